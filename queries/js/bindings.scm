; What names mean inside a file: declarations (const / let / var, destructuring, functions), imports and require(),
; plain assignments to a name, and function parameters (where tracing stops).
(variable_declarator) @declare
(import_statement) @import
(assignment_expression left: (identifier)) @reassign
(formal_parameters) @params
(arrow_function parameter: (identifier) @param)
(function_declaration name: (identifier)) @function
