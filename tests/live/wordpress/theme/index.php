<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>wp-rest-lint lab</title><?php wp_head(); ?></head>
<body><h1>wp-rest-lint lab front page</h1><?php wp_footer(); ?></body></html>
