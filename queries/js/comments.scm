; Comments that may hold a wp-rest-lint suppression directive, in JS, JSX, TS and TSX.
; prefilter: wp-rest-lint:
((comment) @comment
  (#match? @comment "wp-rest-lint:"))
