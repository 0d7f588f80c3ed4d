; Server-to-server requests (wp_remote_*, WP_Http) that may carry a browser's cookie credentials (WPR010).
; The extractor reads every call of a body (bodies.scm); this query is the anchor whose tokens let a file
; through the prefilter: a file must name the nonce header or the logged-in cookie to matter. ($_COOKIE alone
; is not a token: hundreds of files read it, and forwarding it without a nonce authenticates nobody; such a
; file is still checked when it is parsed for another reason.)
; prefilter: X-WP-Nonce X-Wp-Nonce x-wp-nonce X-WP-NONCE wordpress_logged_in LOGGED_IN_COOKIE
((function_call_expression
   function: (name) @function) @call
  (#match? @function "^(wp_remote_get|wp_remote_post|wp_remote_head|wp_remote_request|wp_safe_remote_get|wp_safe_remote_post|wp_safe_remote_head|wp_safe_remote_request)$"))
