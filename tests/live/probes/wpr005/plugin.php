<?php
/**
 * Live probe for WPR005 (public-write-route): a write route anyone can call, and one that checks a capability.
 */

add_action( 'rest_api_init', function () {
	register_rest_route( 'wpr005/v1', '/open-title', array(
		'methods'             => 'POST',
		'callback'            => 'wpr005_save_title',
		'permission_callback' => '__return_true', // expect: WPR005 probe: anonymous-write
	) );
	register_rest_route( 'wpr005/v1', '/title', array(
		'methods'             => 'POST',
		'callback'            => 'wpr005_save_title',
		'permission_callback' => function () { // ok: WPR005
			return current_user_can( 'manage_options' );
		},
	) );
} );

function wpr005_save_title( WP_REST_Request $request ) {
	update_option( 'wpr005_title', sanitize_text_field( (string) $request->get_param( 'title' ) ) );
	return array( 'user' => get_current_user_id() );
}

add_action( 'wp_enqueue_scripts', function () {
	wp_enqueue_script( 'wpr005-probe', plugins_url( 'probe.js', __FILE__ ), array( 'wprl-harness' ), '1', true );
	wp_localize_script( 'wpr005-probe', 'wpr005Probe', array(
		'root'  => esc_url_raw( rest_url() ),
		'nonce' => wp_create_nonce( 'wp_rest' ),
	) );
} );
