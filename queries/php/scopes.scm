; Scopes that own code: function-like nodes (for bucketing body facts) and class-like nodes (for $this,
; self:: and method lookup). Ownership is computed from their byte ranges in one sweep.
(function_definition) @scope
(method_declaration) @scope
(anonymous_function) @scope
(arrow_function) @scope
(class_declaration) @scope
(trait_declaration) @scope
(interface_declaration) @scope
(enum_declaration) @scope
