; Calls, constructions and assignments in browser code: where requests are made (fetch, jQuery, axios,
; XMLHttpRequest, apiFetch, wp.apiRequest, navigator.sendBeacon), transport defaults are set, apiFetch's nonce
; middleware is fed, values are written to storage and URLs are handed to the page location; and the URL
; properties of configuration objects (data libraries take `url`, `baseURL`, `endpoint` …). The extractor
; classifies each by its callee.
; prefilter: fetch ajax axios XMLHttpRequest apiFetch api-fetch apiRequest .post( .get( .getJSON( sendBeacon
; prefilter: localStorage sessionStorage cookie indexedDB wp-json rest_route globalProperties .prototype.$
(call_expression) @call
(new_expression) @new
(assignment_expression) @assign
((pair key: [(property_identifier) (string)] @url_key) @pair
  (#match? @url_key "^['\"]?(url|baseURL|baseUrl|endpoint|apiUrl|apiURL|restUrl|restURL)['\"]?$"))
