; Calls that hand nonces, REST roots and data to browser code (wp_create_nonce, script registration,
; wp_localize_script, wp_add_inline_script, wp_nonce_field), or check nonces on the server. The extractor
; reads every call of a body (bodies.scm); this query is the anchor whose tokens let a file through the
; prefilter, and names the calls the client-side model collects (analyzer/php/scripts.py INTERESTING).
; prefilter: wp_create_nonce wp_localize_script wp_add_inline_script wp_nonce_field wp_verify_nonce
; prefilter: check_ajax_referer check_admin_referer wp_register_script wp_enqueue_script register_block_type
; prefilter: wp-json rest_route=
((function_call_expression
   function: (name) @function) @call
  (#match? @function "^(wp_create_nonce|wp_localize_script|wp_add_inline_script|wp_nonce_field|wp_verify_nonce|check_ajax_referer|check_admin_referer|wp_register_script|wp_enqueue_script|register_block_type)$"))
