<?php
/**
 * Live probe for WPR016 (permission-callback-non-boolean): get_current_user_id() as a permission answer.
 */

add_action( 'rest_api_init', function () {
	register_rest_route( 'wpr016/v1', '/mine', array(
		'methods'             => 'POST',
		'callback'            => 'wpr016_whoami',
		'permission_callback' => 'wpr016_can_edit',
	) );
	register_rest_route( 'wpr016/v1', '/checked', array(
		'methods'             => 'POST',
		'callback'            => 'wpr016_whoami',
		'permission_callback' => 'wpr016_logged_in', // ok: WPR016
	) );
} );

function wpr016_can_edit() {
	return get_current_user_id(); // expect: WPR016 probe: visitor-user-id
}

function wpr016_logged_in() {
	return get_current_user_id() > 0;
}

function wpr016_whoami() {
	return array( 'user' => get_current_user_id() );
}

add_action( 'wp_enqueue_scripts', function () {
	wp_enqueue_script( 'wpr016-probe', plugins_url( 'probe.js', __FILE__ ), array( 'wprl-harness' ), '1', true );
	wp_localize_script( 'wpr016-probe', 'wpr016Probe', array( 'root' => esc_url_raw( rest_url() ) ) );
} );
