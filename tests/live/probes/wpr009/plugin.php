<?php
/**
 * Live probe for WPR009 (hardcoded-rest-prefix): a literal /wp-json/ URL on a plain-permalink site.
 */

add_action( 'rest_api_init', function () {
	register_rest_route( 'wpr009/v1', '/whoami', array(
		'methods'             => 'GET',
		'callback'            => 'wpr009_whoami',
		'permission_callback' => '__return_true',
	) );
} );

function wpr009_whoami() {
	return array( 'user' => get_current_user_id() );
}

add_action( 'wp_enqueue_scripts', function () {
	wp_enqueue_script( 'wpr009-probe', plugins_url( 'probe.js', __FILE__ ), array( 'wprl-harness' ), '1', true );
	wp_localize_script( 'wpr009-probe', 'wpr009Probe', array(
		'root'  => esc_url_raw( rest_url() ),
		'nonce' => wp_create_nonce( 'wp_rest' ),
	) );
} );
