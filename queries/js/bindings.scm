; What names mean inside a file: declarations (const / let / var, destructuring, functions, classes), imports
; and require(), assignments to a name (plain and `+=`), function parameters, loop and catch variables, and
; what the file exports (for the modules of the plugin that import it).
(variable_declarator) @declare
(import_statement) @import
(assignment_expression left: (identifier)) @reassign
(augmented_assignment_expression left: (identifier)) @augment
(formal_parameters) @params
(arrow_function parameter: (identifier) @param)
(function_declaration name: (identifier)) @function
(generator_function_declaration name: (identifier)) @function
(class_declaration name: (_)) @class
(for_in_statement left: (identifier) @loop)
(catch_clause parameter: (identifier) @loop)
(export_statement) @export
