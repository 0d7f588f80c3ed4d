"""PHP side: the value IR, fact extraction from tree-sitter trees, and symbolic evaluation."""
