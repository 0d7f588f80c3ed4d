; RouteCall facts: every register_rest_route() call, plain or fully qualified (\register_rest_route).
; The model resolves its namespace, route and endpoint arguments across files.
; prefilter: register_rest_route
(function_call_expression
  function: [(name) (qualified_name)] @function
  arguments: (arguments) @arguments
  (#match? @function "^\\\\?[Rr][Ee][Gg][Ii][Ss][Tt][Ee][Rr]_[Rr][Ee][Ss][Tt]_[Rr][Oo][Uu][Tt][Ee]$")) @call
