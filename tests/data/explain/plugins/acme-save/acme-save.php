<?php
/**
 * Plugin Name: Acme Save (explain --path test plugin)
 */

add_action( 'rest_api_init', function () {
	register_rest_route( 'acme/v1', '/save', array(
		'methods'             => 'POST',
		'callback'            => 'acme_save',
		'permission_callback' => 'acme_can_save',
	) );
	register_rest_route( 'acme/v1', '/items/(?P<id>\d+)', array(
		'methods'             => 'GET',
		'callback'            => 'acme_item',
		'permission_callback' => '__return_true',
	) );
	register_rest_route( 'acme/v1', '/settings', array(
		'methods'             => 'POST',
		'callback'            => 'acme_settings',
		'permission_callback' => function () {
			return current_user_can( 'manage_options' );
		},
	) );
} );

function acme_can_save() {
	return current_user_can( 'edit_posts' );
}

function acme_save( $request ) {
	return array( 'saved' => true );
}

function acme_item( $request ) {
	return array( 'id' => (int) $request['id'] );
}

function acme_settings( $request ) {
	return array( 'ok' => true );
}

add_action( 'admin_enqueue_scripts', function () {
	wp_enqueue_script( 'acme-admin', plugins_url( 'assets/admin.js', __FILE__ ), array(), '1.0', true );
	wp_localize_script( 'acme-admin', 'acmeSave', array(
		'root'  => esc_url_raw( rest_url() ),
		'nonce' => wp_create_nonce( 'acme_save' ),
	) );
} );
