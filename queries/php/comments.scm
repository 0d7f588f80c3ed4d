; Comments that may hold a wp-rest-lint suppression directive (`wp-rest-lint: ignore WPR005 -- reason`).
; prefilter: wp-rest-lint:
((comment) @comment
  (#match? @comment "wp-rest-lint:"))
