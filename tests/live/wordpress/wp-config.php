<?php
// The live lab's configuration (tests/live/lab.py writes the socket, the home URL and the log path).
define( 'DB_NAME', 'wp' );
define( 'DB_USER', 'root' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', 'localhost:@SOCKET@' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );

// Fixed salts: a throw-away site on loopback.
define( 'AUTH_KEY', 'wprl-lab-auth-key' );
define( 'SECURE_AUTH_KEY', 'wprl-lab-secure-auth-key' );
define( 'LOGGED_IN_KEY', 'wprl-lab-logged-in-key' );
define( 'NONCE_KEY', 'wprl-lab-nonce-key' );
define( 'AUTH_SALT', 'wprl-lab-auth-salt' );
define( 'SECURE_AUTH_SALT', 'wprl-lab-secure-auth-salt' );
define( 'LOGGED_IN_SALT', 'wprl-lab-logged-in-salt' );
define( 'NONCE_SALT', 'wprl-lab-nonce-salt' );

$table_prefix = 'wp_';

define( 'WP_HOME', '@HOME@' );
define( 'WP_SITEURL', '@HOME@' );
define( 'WP_DEBUG', true );           // X-WP-DoingItWrong needs it
define( 'WP_DEBUG_DISPLAY', false );  // notices would break JSON bodies
define( 'WP_DEBUG_LOG', '@LOG@' );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );  // nothing leaves loopback
define( 'DISABLE_WP_CRON', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_AUTO_UPDATE_CORE', false );

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
