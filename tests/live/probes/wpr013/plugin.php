<?php
/**
 * Live probe for WPR013 (nonce-missing): nonce-less requests to a capability route, to a route whose permission
 * callback returns get_current_user_id() (a grant for user 0), and the same with the nonce.
 */

add_action( 'rest_api_init', function () {
	register_rest_route( 'wpr013/v1', '/private', array(
		'methods'             => 'POST',
		'callback'            => 'wpr013_whoami',
		'permission_callback' => function () {
			return current_user_can( 'edit_posts' );
		},
	) );
	register_rest_route( 'wpr013/v1', '/mine', array(
		'methods'             => 'POST',
		'callback'            => 'wpr013_whoami',
		'permission_callback' => function () {
			return get_current_user_id(); // expect: WPR016 probe: user-id-grant-visitor
		},
	) );
} );

function wpr013_whoami() {
	return array( 'user' => get_current_user_id() );
}

add_action( 'wp_enqueue_scripts', function () {
	wp_enqueue_script( 'wpr013-probe', plugins_url( 'probe.js', __FILE__ ), array( 'wprl-harness' ), '1', true );
	wp_localize_script( 'wpr013-probe', 'wpr013Probe', array(
		'root'  => esc_url_raw( rest_url() ),
		'nonce' => wp_create_nonce( 'wp_rest' ),
	) );
} );
