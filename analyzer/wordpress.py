"""What the analyzer knows about WordPress core itself (facts from DOMAIN.md, with its section numbers).

Kept in one place so rules and the model agree, and so a reader can check each entry against core.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

# WP_REST_Server method constants (class-wp-rest-server.php L24–56, identical in 6.1.9 and trunk; §4.3).
REST_SERVER_CONSTANTS: dict[str, str] = {
    "READABLE": "GET",
    "CREATABLE": "POST",
    "EDITABLE": "POST, PUT, PATCH",
    "DELETABLE": "DELETE",
    "ALLMETHODS": "GET, POST, PUT, PATCH, DELETE",
}

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Core callables that are commonly used as a permission_callback, and what they return (§2.5, §2.6).
CORE_ALWAYS_TRUE = frozenset({"__return_true"})
CORE_DENY = frozenset({"__return_false", "__return_null"})
# Return a value that is neither false nor null: core lets the request through (§2.5, B14).
CORE_NON_BOOLEAN_GRANT = {"__return_zero": "0", "__return_empty_string": "''", "__return_empty_array": "[]"}
CORE_USER_CHECKS = frozenset({"is_user_logged_in", "is_super_admin"})

# Calls that make a permission decision about the current user (capability or login).
USER_CHECK_FUNCTIONS = frozenset(
    {
        "current_user_can",
        "current_user_can_for_blog",
        "current_user_can_for_site",
        "user_can",
        "user_can_for_site",
        "author_can",
        "is_user_logged_in",
        "is_super_admin",
        "get_current_user_id",
        "wp_get_current_user",
        "is_user_member_of_blog",
        "has_cap",
        "wp_validate_application_password",
    }
)

# The subset that checks a capability (not merely that someone is logged in).
CAPABILITY_CHECK_FUNCTIONS = frozenset(
    {"current_user_can", "current_user_can_for_blog", "current_user_can_for_site", "user_can", "user_can_for_site", "author_can", "is_super_admin", "has_cap"}
)

# Checks that the visitor cannot pass without a credential of their own, by kind (RULES.md "How loud": a
# user-bound nonce, a capability, a password, a signature or a secret kept on the server).
NONCE_CHECK_FUNCTIONS = frozenset({"wp_verify_nonce", "check_ajax_referer", "check_admin_referer"})
# Nonce checks that end a failing request themselves (``die( '-1' )``), and the position of the argument that
# turns that off (``check_ajax_referer( $action, $arg, false )`` returns false instead); None: always dies.
DYING_NONCE_CHECKS = {"check_ajax_referer": 2, "check_admin_referer": None}
PASSWORD_CHECK_FUNCTIONS = frozenset(
    {
        "wp_authenticate",
        "wp_signon",
        "wp_check_password",
        "password_verify",
        "wp_authenticate_username_password",
        "wp_authenticate_email_password",
        "wp_authenticate_application_password",
        "wp_validate_application_password",
        "wp_validate_auth_cookie",
    }
)
SIGNATURE_CHECK_FUNCTIONS = frozenset({"openssl_verify", "sodium_crypto_sign_verify_detached", "sodium_crypto_auth_verify"})
LOGIN_CHECK_FUNCTIONS = frozenset({"is_user_logged_in", "get_current_user_id", "wp_get_current_user", "is_user_member_of_blog"})
# Constant-time comparison of two strings: a credential check when one side is a server-side secret.
COMPARE_FUNCTIONS = frozenset({"hash_equals", "strcmp", "strcasecmp"})
# Where a server-side secret is read from (the key is the argument at that position).
SECRET_SOURCES = {
    "get_option": 0,
    "get_site_option": 0,
    "get_network_option": 1,
    "get_theme_mod": 0,
    "get_post_meta": 1,
    "get_user_meta": 1,
    "get_term_meta": 1,
    "get_metadata": 2,
    "get_transient": 0,
    "get_site_transient": 0,
    "wp_salt": 0,
    "wp_hash": -1,
    "get_user_option": 0,
}
# Calls that hand a value to every visitor's browser: what they print is no secret.
PRINTING_FUNCTIONS = {"wp_localize_script": 2, "wp_add_inline_script": 1, "printf": -1, "vprintf": -1, "wp_print_inline_script_tag": 0}
# Hooks that run only on admin screens: a value printed there reaches administrators, not every visitor.
ADMIN_HOOK_PREFIXES = ("admin_", "load-", "enqueue_block_editor_assets", "customize_controls_", "network_admin_", "user_admin_")
# Hooks whose callbacks run before a REST route's callback and can refuse the request for it.
DISPATCH_HOOKS = frozenset({"rest_pre_dispatch", "rest_request_before_callbacks", "rest_authentication_errors"})

# Functions whose result can be 0, '' or [] — values core does not treat as a denial (§2.5, B14).
NON_BOOLEAN_FUNCTIONS = frozenset(
    {
        "get_current_user_id",
        "get_option",
        "get_site_option",
        "get_user_option",
        "get_user_meta",
        "get_post_meta",
        "get_term_meta",
        "get_comment_meta",
        "get_metadata",
        "get_transient",
        "get_site_transient",
        "get_the_author_meta",
        "get_query_var",
        "count",
        "sizeof",
        "strlen",
        "intval",
        "absint",
        "array_filter",
        "array_intersect",
        "array_keys",
        "array_search",
        "get_posts",
        "get_users",
        "sanitize_text_field",
        "sanitize_key",
        "trim",
        "wp_count_posts",
        "get_user_by",
        "get_userdata",
    }
)
# Methods of WP_REST_Request whose result can be '' / 0 / [] / null.
NON_BOOLEAN_METHODS = frozenset({"get_param", "get_header", "get_query_params", "get_json_params", "get_body_params"})

# Calls that do not change whether a permission check "only returns true".
HARMLESS_FUNCTIONS = frozenset(
    {
        "do_action",
        "error_log",
        "_deprecated_function",
        "_doing_it_wrong",
        "sprintf",
        "wp_json_encode",
        "json_encode",
        "print_r",
        "var_export",
        "current_time",
        "time",
        "microtime",
        "wp_debug_backtrace_summary",
    }
)

# Functions that end the request (they count as a check having been made in a body).
EXIT_FUNCTIONS = frozenset({"wp_die", "die", "exit", "wp_send_json", "wp_send_json_error", "wp_send_json_success"})

# Values of a filter or an option: resolution gives up (the model says "unknown").
OPAQUE_FUNCTIONS = frozenset({"apply_filters", "apply_filters_ref_array", "get_option", "get_site_option", "get_transient"})

PERMISSION_CALLBACK_KEY = "permission_callback"

# WP_REST_Controller's route handlers: a subclass that does not override one gets core's, which answers
# WP_Error 'invalid-method' (501) and changes nothing.
REST_CONTROLLER_METHODS = frozenset({"get_items", "get_item", "create_item", "update_item", "delete_item"})
# Permission checks a core controller subclass inherits for its write handlers: core's capability checks
# (WP_REST_Posts_Controller::create_item_permissions_check tests the post type's create_posts …).
CORE_CONTROLLER_WRITE_CHECKS = ("::create_item_permissions_check", "::update_item_permissions_check", "::delete_item_permissions_check")

# PHP's own constants a plugin passes where a number is expected (a hook priority).
PHP_CONSTANTS = {"PHP_INT_MAX": 2**63 - 1, "PHP_INT_MIN": -(2**63)}

# Core functions a route table names as callables (is_callable() holds for them).
CALLABLE_CORE_NAMES = CORE_ALWAYS_TRUE | CORE_DENY | CORE_USER_CHECKS | frozenset(CORE_NON_BOOLEAN_GRANT) | frozenset({"current_user_can"})

# Priorities core registers its own callbacks at (default-filters.php 6.1.9 L320–321): what has_filter()
# returns for them.
CORE_FILTER_PRIORITIES = {
    ("rest_authentication_errors", "rest_cookie_check_errors"): 100,
    ("rest_authentication_errors", "rest_application_password_check_errors"): 90,
}

# Core's own rest_authentication_errors callbacks (default-filters.php, §1.1): they *are* the check.
# rest_application_password_check_errors returns true only for a user an Application Password authenticated.
CORE_AUTH_CALLBACKS = frozenset({"rest_cookie_check_errors", "rest_application_password_check_errors"})

# Script handles core registers on every request, generated from WordPress itself by tools/core_handles.py
# (analyzer/data/core_handles.txt; its header names the release). A localize call on one of them works.
_CORE_HANDLES_FILE = Path(__file__).resolve().parent / "data" / "core_handles.txt"
# Handles core added after that release and that the list therefore lacks: WordPress's packages all start
# with wp- (wp_default_packages_scripts), so any wp- handle counts as core; the few others are named here
# with the release that added them (wp_default_packages_vendor).
CORE_HANDLE_PREFIXES = ("wp-",)
CORE_HANDLES_AFTER_LIST = {"react-jsx-runtime": "6.6"}


@cache
def core_script_handles() -> frozenset[str]:
    lines = _CORE_HANDLES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#")) | frozenset(CORE_HANDLES_AFTER_LIST)

# Stored values (analyzer.php.stores, for WPR016). Reads: name → (store, key argument, default argument or
# None). Options and site options share a store: on a single site get_site_option() is get_option().
# Meta is its own case: a post, user or term without the key reads '' or [], whatever was ever written.
STORE_READS: dict[str, tuple[str, int, int | None]] = {
    "get_option": ("option", 0, 1),
    "get_site_option": ("option", 0, 1),
    "get_network_option": ("option", 1, 2),
    "get_transient": ("transient", 0, None),
    "get_site_transient": ("site_transient", 0, None),
    "get_post_meta": ("meta", 1, None),
    "get_user_meta": ("meta", 1, None),
    "get_term_meta": ("meta", 1, None),
    "get_comment_meta": ("meta", 1, None),
}
# Writes: name → (store, key argument, value argument; None: deletes the key; -1: stores what a request
# posted — register_setting() opens the option to options.php and the REST settings route).
STORE_WRITES: dict[str, tuple[str, int, int | None]] = {
    "update_option": ("option", 0, 1),
    "add_option": ("option", 0, 1),
    "delete_option": ("option", 0, None),
    "update_site_option": ("option", 0, 1),
    "add_site_option": ("option", 0, 1),
    "delete_site_option": ("option", 0, None),
    "update_network_option": ("option", 1, 2),
    "add_network_option": ("option", 1, 2),
    "delete_network_option": ("option", 1, None),
    "register_setting": ("option", 1, -1),
    "set_transient": ("transient", 0, 1),
    "delete_transient": ("transient", 0, None),
    "set_site_transient": ("site_transient", 0, 1),
    "delete_site_transient": ("site_transient", 0, None),
}
# Operators whose result is a boolean.
# $wpdb methods that read rows: a value they return is kept on the server, not chosen by the visitor.
WPDB_READS = frozenset({"get_var", "get_row", "get_col", "get_results"})

# Words in a column name that make ``WHERE <column> = %s`` a look-up of a credential (an API key row, a
# refresh token), so that "no row" means "refused": ``consumer_secret``, ``api_key``, ``token_hash``. A look-up
# by ID, slug, e-mail or coupon code finds an object, not a caller, and is no check.
SECRET_COLUMN_WORDS = ("token", "secret", "api_key", "apikey", "consumer_key", "access_key", "auth_key", "license_key", "password", "passwd", "signature", "hash")

# What a failed check hands back, tested with ``instanceof``: ``if ( $user instanceof WP_Error ) return $user;``
FAILURE_CLASSES = frozenset({"wp_error", "wp_rest_response", "wp_http_response"})

BOOLEAN_OPERATORS = frozenset({"===", "!==", "==", "!=", "<>", "<", ">", "<=", ">=", "&&", "||", "and", "or", "xor", "instanceof"})
# Functions that return a boolean (and only a boolean).
BOOLEAN_FUNCTIONS = frozenset(
    {
        "is_user_logged_in", "current_user_can", "user_can", "is_super_admin", "is_admin", "is_multisite",
        "is_ssl", "wp_is_json_request", "is_wp_error", "in_array", "is_array", "is_string", "is_numeric",
        "is_int", "is_bool", "is_null", "is_object", "is_callable", "isset", "empty", "array_key_exists",
        "function_exists", "class_exists", "method_exists", "defined", "file_exists",
        "wp_validate_boolean", "rest_sanitize_boolean", "boolval", "str_contains", "str_starts_with",
        "str_ends_with", "is_plugin_active", "wp_doing_ajax", "wp_doing_cron", "is_main_site", "hash_equals",
        "password_verify", "wp_check_password",
    }
)
