<?php
/**
 * The live lab's must-use plugin (copied into wp-content/mu-plugins by tests/live/lab.py).
 *
 * - Loads only the probe plugin a request is about: the page ?wprl=NAME, or the REST namespace NAME/v1
 *   (a probe may switch off core's nonce check; it must not do so for the others).
 * - Reports the user each REST request ran as in an X-Lab-User response header (exposed to CORS).
 * - Registers the harness script (wprl-harness) probe scripts depend on.
 */

$wprl_probe = null;
if ( isset( $_GET['wprl'] ) ) {
	$wprl_probe = (string) $_GET['wprl'];
} elseif ( isset( $_GET['rest_route'] ) && preg_match( '#^/(wpr\d{3}[a-z0-9]*)/#', (string) $_GET['rest_route'], $wprl_m ) ) {
	$wprl_probe = $wprl_m[1];
}
if ( null !== $wprl_probe && preg_match( '/^wpr\d{3}[a-z0-9]*$/', $wprl_probe ) && is_file( WP_PLUGIN_DIR . "/$wprl_probe/plugin.php" ) ) {
	define( 'WPRL_PROBE', $wprl_probe );
	add_action( 'muplugins_loaded', function () {
		require WP_PLUGIN_DIR . '/' . WPRL_PROBE . '/plugin.php';
	} );
}

add_filter( 'rest_post_dispatch', function ( $response ) {
	$response->header( 'X-Lab-User', (string) get_current_user_id() );
	return $response;
}, 1000 );

add_filter( 'rest_exposed_cors_headers', function ( $headers ) {
	$headers[] = 'X-Lab-User';
	return $headers;
} );

add_action( 'wp_enqueue_scripts', function () {
	wp_register_script( 'wprl-harness', WPMU_PLUGIN_URL . '/wprl-harness.js', array(), '1', false );
	wp_enqueue_script( 'wprl-harness' );
}, 1 );
