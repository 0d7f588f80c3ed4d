; Calls, constructions and assignments in browser code: where requests are made (fetch, jQuery, axios,
; XMLHttpRequest, apiFetch, wp.apiRequest), transport defaults are set, apiFetch's nonce middleware is fed,
; and values are written to storage. The extractor classifies each by its callee.
; prefilter: fetch ajax axios XMLHttpRequest apiFetch api-fetch apiRequest .post( .get( .getJSON(
; prefilter: localStorage sessionStorage cookie indexedDB wp-json rest_route
(call_expression) @call
(new_expression) @new
(assignment_expression) @assign
