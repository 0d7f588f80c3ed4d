<?php
/**
 * Live probe for WPR007 (rest-auth-check-disabled): core's nonce check switched off at priority 10, so the
 * cookie alone logs the user in — for the plugin's own nonce-less request (WPR013's "runs as the logged-in
 * user") and for forms on other pages (CSRF).
 */

add_filter( 'rest_authentication_errors', '__return_true' ); // expect: WPR007 probe: own-page-no-nonce, same-site-form, cross-site-form

add_action( 'rest_api_init', function () {
	register_rest_route( 'wpr007/v1', '/whoami', array(
		'methods'             => 'POST',
		'callback'            => 'wpr007_whoami',
		'permission_callback' => function () {
			return current_user_can( 'edit_posts' );
		},
	) );
} );

function wpr007_whoami() {
	return array( 'user' => get_current_user_id() );
}

add_action( 'wp_enqueue_scripts', function () {
	wp_enqueue_script( 'wpr007-probe', plugins_url( 'probe.js', __FILE__ ), array( 'wprl-harness' ), '1', true );
	wp_localize_script( 'wpr007-probe', 'wpr007Probe', array( 'root' => esc_url_raw( rest_url() ) ) );
} );
