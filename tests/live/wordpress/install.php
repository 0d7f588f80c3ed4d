<?php
// Installs the lab's WordPress without wp-cli: php install.php DOCROOT HOST PASSWORD
list( , $docroot, $host, $password ) = $argv;
$_SERVER['HTTP_HOST']   = $host;
$_SERVER['SERVER_NAME'] = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PORT'] = explode( ':', $host )[1];
define( 'WP_INSTALLING', true );
require $docroot . '/wp-load.php';
require $docroot . '/wp-admin/includes/upgrade.php';

$result = wp_install( 'wp-rest-lint lab', 'admin', 'admin@example.invalid', false, '', $password );
if ( is_wp_error( $result ) || empty( $result['user_id'] ) ) {
	fwrite( STDERR, "wp_install failed\n" );
	exit( 1 );
}
$sub = wp_insert_user( array( 'user_login' => 'subscriber', 'user_pass' => $password, 'user_email' => 'sub@example.invalid', 'role' => 'subscriber' ) );
if ( is_wp_error( $sub ) ) {
	fwrite( STDERR, $sub->get_error_message() . "\n" );
	exit( 1 );
}
update_option( 'permalink_structure', '' );
update_option( 'template', 'wprl' );
update_option( 'stylesheet', 'wprl' );
echo 'installed admin=' . $result['user_id'] . ' subscriber=' . $sub . ' php=' . PHP_VERSION . "\n";
