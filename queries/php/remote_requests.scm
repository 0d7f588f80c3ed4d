; Server-to-server requests (wp_remote_*, WP_Http) that may carry a browser's cookie credentials (WPR010).
; The extractor reads every call of a body (bodies.scm); this query is the anchor whose tokens let a file
; through the prefilter: a file must name the nonce header, the logged-in cookie or $_COOKIE to matter.
; prefilter: X-WP-Nonce X-Wp-Nonce x-wp-nonce X-WP-NONCE wordpress_logged_in LOGGED_IN_COOKIE $_COOKIE
((function_call_expression
   function: (name) @function) @call
  (#match? @function "^(wp_remote_get|wp_remote_post|wp_remote_head|wp_remote_request|wp_safe_remote_get|wp_safe_remote_post|wp_safe_remote_head|wp_safe_remote_request)$"))
