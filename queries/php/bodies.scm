; What a function body does, bucketed by the nearest enclosing function-like node: what it returns, what
; it calls and assigns, whether it can stop (exit / die / throw), whether it compares for equality,
; and the if / elseif statements that guard what follows.
(return_statement) @return
(function_call_expression) @call
(member_call_expression) @call
(nullsafe_member_call_expression) @call
(scoped_call_expression) @call
; include / require and `shell` commands run code: the extractor models them as calls named include …
; and shell_exec, so the effect analysis sees them.
(include_expression) @call
(include_once_expression) @call
(require_expression) @call
(require_once_expression) @call
(shell_command_expression) @call
(unset_statement) @call
(object_creation_expression) @new
(assignment_expression) @assign
(augmented_assignment_expression) @assign
(exit_statement) @exit
(throw_expression) @exit
(binary_expression ["===" "!==" "==" "!="]) @compare
(if_statement) @if
(else_if_clause) @if
(try_statement) @try
(foreach_statement) @foreach
(echo_statement) @echo
(print_intrinsic) @echo
(php_tag) @open_tag
(static_variable_declaration name: (variable_name (name) @static))
