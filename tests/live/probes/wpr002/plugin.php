<?php
/**
 * Live probe for WPR002 (nonce-in-unread-body): the nonce in bodies core never reads, and in the one it does.
 */

add_action( 'rest_api_init', function () {
	register_rest_route( 'wpr002/v1', '/private', array(
		'methods'             => array( 'POST', 'PUT' ),
		'callback'            => 'wpr002_whoami',
		'permission_callback' => function () {
			return current_user_can( 'edit_posts' );
		},
	) );
} );

function wpr002_whoami() {
	return array( 'user' => get_current_user_id() );
}

add_action( 'wp_enqueue_scripts', function () {
	wp_enqueue_script( 'wpr002-probe', plugins_url( 'probe.js', __FILE__ ), array( 'wprl-harness' ), '1', true );
	wp_localize_script( 'wpr002-probe', 'wpr002Probe', array(
		'root'  => esc_url_raw( rest_url() ),
		'nonce' => wp_create_nonce( 'wp_rest' ),
	) );
} );
