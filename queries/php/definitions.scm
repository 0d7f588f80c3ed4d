; Definitions the model resolves names against: functions, classes (and traits), constants, namespaces.
(function_definition name: (name) @name) @function
(class_declaration name: (name) @name) @class
(trait_declaration name: (name) @name) @class
(const_declaration) @const
(namespace_definition) @namespace
(namespace_use_declaration) @use
(function_call_expression
  function: [(name) (qualified_name)] @define.function
  arguments: (arguments . (argument [(string) (encapsed_string)] @define.name) . (argument) @define.value)
  (#match? @define.function "^\\\\?define$")) @define
