; HookCall facts: add_filter / remove_filter / remove_all_filters on 'rest_authentication_errors' (the filter
; whose priority-100 callback rest_cookie_check_errors enforces the REST cookie nonce), and on the dispatch
; filters 'rest_pre_dispatch' / 'rest_request_before_callbacks', where a plugin may refuse a request for its
; routes before their callbacks run.
; prefilter: rest_authentication_errors rest_pre_dispatch rest_request_before_callbacks
(function_call_expression
  function: [(name) (qualified_name)] @function
  ; no "." anchor: a comment before the first argument must not hide the call (extraction checks the
  ; hook is the first argument)
  arguments: (arguments (argument [(string) (encapsed_string)] @hook))
  (#match? @function "^\\\\?(add_filter|remove_filter|remove_all_filters)$")
  (#match? @hook "^[\"'](rest_authentication_errors|rest_pre_dispatch|rest_request_before_callbacks)[\"']$")) @call
