"""What WordPress and PHP functions change, by effect class: the knowledge behind an endpoint's effects.

The effect analysis (:mod:`analyzer.php.effects`) follows a route's callback through the plugin's own code
and looks up every call that leaves the plugin here. This module is data only: which function writes which
store, and which of its arguments choose the object written (the target), name it (the key) or carry what
is written (the value). The classes are those of RULES.md "How loud":

- ``privileged``: something a stranger must not do — site options, users / roles / capabilities / auth
  cookies, posts or meta of a request-chosen object, terms, others' comments, plugins and themes, files,
  write SQL on core tables or built from request data, an outbound request to a request-supplied URL, mail to
  a request-supplied address, code execution;
- ``own``: only the plugin's own records — its own table, a counter, a transient, a scheduled event, a
  comment submitted for moderation, mail to a fixed address;
- ``none``: no state change (reads, formatting, responses);
- ``unknown``: what the model cannot see (a call the analyzer cannot resolve, dynamic dispatch).

How a function's class is decided from its arguments is the ``policy`` of its :class:`Write` entry; the
policies are documented on :data:`POLICIES`. Functions of WordPress core that are not listed here are reads,
unless their name says they write (:data:`WRITE_VERBS`); PHP's internal functions not listed here are pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

PRIVILEGED = "privileged"
OWN = "own"
NONE = "none"
UNKNOWN = "unknown"

# Severity order of the classes, worst last.
RANK = {NONE: 0, OWN: 1, UNKNOWN: 2, PRIVILEGED: 3}

# What a stranger could do with each privileged area, for messages ("anonymous visitors can …").
AREAS = {
    "options": "change site options",
    "users": "create or change users, roles, capabilities or log-in cookies",
    "content": "change posts or meta of an object the request chooses",
    "terms": "create, change or delete terms",
    "comments": "change or delete comments the request chooses",
    "plugins": "install, activate, remove or switch plugins and themes",
    "files": "write, move, upload or delete files",
    "sql": "write to the database",
    "outbound": "make the site send requests to a URL they choose",
    "mail": "make the site send mail to an address they choose",
    "code": "run code of their choosing",
    "cache": "flush the whole site's caches, slowing every page for everyone",
    "orders": "create, change or refund orders, coupons or products",
}

# Words in a function's name that say it finds a stored object by what it is given (wc_get_order( $id ),
# Booking::find( $id ), load_by_token( $t )): a write to what it returns changes an object the caller chose.
LOOKUP_VERBS = ("get", "find", "load", "fetch", "retrieve", "lookup", "instance", "by_", "from_id", "read")

# Functions that decode request data into values (an object of json_decode() is the request's, not the site's).
DECODERS = frozenset({"json_decode", "simplexml_load_string", "wp_parse_args", "wp_json_decode"})

# Privileged areas from gravest to mildest: which effect a message names first.
AREA_ORDER = {area: i for i, area in enumerate(("code", "users", "plugins", "files", "sql", "options", "content", "orders", "terms", "comments", "outbound", "mail", "cache"))}

POLICIES = {
    "always": "privileged whatever the arguments",
    "tainted": "privileged when the target argument comes from the request, else none",
    "store": "an option-like store: privileged when the request chooses the key, supplies content of the value, or "
    "chooses an entry of it to remove, and for an option core reads (users_can_register, default_role …) whatever "
    "the value; a value the plugin computes (a counter, a time, a flag) under a key the plugin wrote is own",
    "command": "a shell command: privileged when the request supplies part of it, else own (a fixed command)",
    "path": "a file: privileged when the request chooses the path or supplies what is written, else own (a path "
    "and content the plugin chose: its log, its cache directory)",
    "object": "a change to an object: privileged when the object (target) comes from the request, else own",
    "object_meta": "meta of an object: privileged when the request chooses the key, or chooses the object and supplies "
    "content of the value (a counter the plugin computes is own); meta of an object the plugin chose is own",
    "user_meta": "like object_meta, but the current user's own meta (get_current_user_id()) is own, and "
    "capability keys are privileged",
    "insert_post": "creating a post: privileged for core post types (the default 'post' included) or when the ID "
    "or post type comes from the request; a post of the plugin's own type is own",
    "address": "privileged when the recipient comes from the request, else own",
    "url": "privileged when the URL comes from the request, else none",
    "keys": "variables from an array's keys (extract): privileged when the request supplies the array, unless the "
    "plugin built it with fixed keys",
    "own": "always the plugin's own records",
}


@dataclass(frozen=True, slots=True)
class Write:
    """What a function does to the site, and which arguments (0-based positions) matter for its class."""

    area: str  # a key of AREAS, or a plain word for own-record stores ("transients", "schedule", …)
    policy: str  # a key of POLICIES
    target: int | None = None  # the object written / the URL / the recipient
    key: int | None = None  # the meta key or option name
    value: int | None = None  # what is stored
    read: str | None = None  # the getter whose result makes a value a read-modify-write of the same key


def _table(area: str, policy: str, names: str, **positions) -> dict[str, Write]:
    return {name: Write(area, policy, **positions) for name in names.split()}


FUNCTIONS: dict[str, Write] = {
    # --- site options --------------------------------------------------------------------------
    **_table("options", "store", "update_option add_option", key=0, value=1, read="get_option"),
    **_table("options", "store", "update_site_option add_site_option", key=0, value=1, read="get_site_option"),
    **_table("options", "store", "update_network_option add_network_option", key=1, value=2, read="get_network_option"),
    **_table("options", "store", "update_blog_option add_blog_option", key=1, value=2, read="get_blog_option"),
    **_table("options", "store", "set_theme_mod", key=0, value=1, read="get_theme_mod"),
    # Deleting an option destroys site configuration, whichever option it is.
    **_table(
        "options",
        "always",
        "delete_option delete_site_option remove_theme_mod delete_network_option delete_blog_option remove_theme_mods "
        "update_home_siteurl update_option_new_admin_email",
    ),
    # --- users, roles, capabilities, log-in ----------------------------------------------------
    **_table(
        "users",
        "always",
        "wp_insert_user wp_create_user wp_update_user wp_delete_user wpmu_delete_user register_new_user "
        "wp_set_password reset_password wp_set_auth_cookie wp_set_current_user set_current_user wp_setcookie "
        "add_role remove_role grant_super_admin revoke_super_admin add_user_to_blog add_existing_user_to_blog "
        "add_new_user_to_blog remove_user_from_blog wpmu_create_user wpmu_activate_signup wp_revoke_user "
        "wp_destroy_all_sessions wp_destroy_other_sessions wp_update_user_counts wp_login edit_user create_user "
        "wp_create_user_request wp_send_user_request update_user_status",
    ),
    **_table("users", "user_meta", "update_user_meta add_user_meta", target=0, key=1, value=2, read="get_user_meta"),
    **_table("users", "user_meta", "update_user_option", target=0, key=1, value=2, read="get_user_option"),
    **_table("users", "user_meta", "delete_user_meta delete_user_option", target=0, key=1),
    # --- posts, meta, attachments ----------------------------------------------------------------
    **_table("content", "insert_post", "wp_insert_post", target=0),
    **_table(
        "content",
        "object",
        "wp_update_post wp_delete_post wp_trash_post wp_untrash_post wp_publish_post set_post_thumbnail "
        "delete_post_thumbnail wp_delete_attachment wp_set_post_lock wp_restore_post_revision "
        "wp_update_attachment_metadata update_attached_file set_post_format set_post_type wp_set_post_categories "
        "wp_set_post_tags wp_set_post_terms wp_add_post_tags wp_save_post_revision wp_delete_post_revision "
        "wp_create_post_autosave edit_post wp_write_post write_post stick_post unstick_post wp_insert_attachment",
        target=0,
    ),
    **_table("content", "object", "wp_set_object_terms wp_add_object_terms wp_remove_object_terms", target=0),
    **_table("content", "object_meta", "update_post_meta add_post_meta", target=0, key=1, value=2, read="get_post_meta"),
    **_table("content", "object_meta", "delete_post_meta", target=0, key=1),
    **_table("content", "object_meta", "update_metadata add_metadata", target=1, key=2, value=3, read="get_metadata"),
    **_table("content", "object_meta", "delete_metadata", target=1, key=2),
    **_table("content", "always", "delete_post_meta_by_key wp_delete_auto_drafts wp_update_custom_css_post"),
    # --- terms, comments, links, menus -----------------------------------------------------------
    **_table(
        "terms",
        "always",
        "wp_insert_term wp_update_term wp_delete_term wp_insert_category wp_update_category wp_delete_category "
        "wp_create_category wp_create_categories wp_create_tag wp_create_term wp_create_nav_menu "
        "wp_update_nav_menu_object wp_update_nav_menu_item wp_delete_nav_menu wp_insert_link wp_update_link "
        "wp_delete_link wp_set_link_cats wp_save_nav_menu_items wp_set_sidebars_widgets",
    ),
    **_table("terms", "object_meta", "update_term_meta add_term_meta", target=0, key=1, value=2, read="get_term_meta"),
    **_table("terms", "object_meta", "delete_term_meta", target=0, key=1),
    **_table(
        "comments",
        "object",
        "wp_update_comment wp_delete_comment wp_trash_comment wp_untrash_comment wp_spam_comment wp_unspam_comment "
        "wp_set_comment_status edit_comment",
        target=0,
    ),
    **_table("comments", "object_meta", "update_comment_meta add_comment_meta", target=0, key=1, value=2, read="get_comment_meta"),
    **_table("comments", "object_meta", "delete_comment_meta", target=0, key=1),
    # A comment submitted for moderation is public intake by design, as core's own comments route allows.
    **_table("comments", "own", "wp_new_comment wp_insert_comment wp_handle_comment_submission wp_update_comment_count"),
    # --- plugins, themes, core updates, sites ----------------------------------------------------
    **_table(
        "plugins",
        "always",
        "activate_plugin activate_plugins deactivate_plugins delete_plugins uninstall_plugin switch_theme "
        "delete_theme wp_update_plugins wp_update_themes wp_maybe_auto_update wp_update_core update_core "
        "wp_download_language_pack wp_edit_theme_plugin_file wp_insert_site wp_update_site wp_delete_site "
        "wpmu_create_blog update_blog_details update_blog_status update_archived",
    ),
    # --- files ------------------------------------------------------------------------------------
    **_table("files", "path", "file_put_contents fwrite fputs fputcsv", target=0, value=1),
    **_table("files", "path", "unlink rmdir mkdir touch tempnam wp_delete_file wp_mkdir_p", target=0),
    **_table(
        "files",
        "always",
        "rename copy move_uploaded_file chmod "
        "chown chgrp symlink link wp_delete_file_from_directory wp_upload_bits "
        "wp_handle_upload wp_handle_sideload media_handle_upload media_handle_sideload media_sideload_image "
        "download_url unzip_file copy_dir insert_with_markers save_mod_rewrite_rules wp_save_image_file "
        "wp_import_handle_upload",
    ),
    # --- outbound requests, mail ------------------------------------------------------------------
    **_table(
        "outbound",
        "url",
        "wp_remote_get wp_remote_post wp_remote_head wp_remote_request wp_safe_remote_get wp_safe_remote_post "
        "wp_safe_remote_head wp_safe_remote_request wp_oembed_get fsockopen curl_init get_headers",
        target=0,
    ),
    **_table("mail", "address", "wp_mail mail", target=0),
    # --- code execution ---------------------------------------------------------------------------
    **_table("code", "always", "eval assert create_function"),
    **_table("code", "command", "system exec shell_exec passthru proc_open popen pcntl_exec", target=0),
    **_table("code", "tainted", "include include_once require require_once unserialize maybe_unserialize parse_str", target=0),
    **_table("code", "keys", "extract", target=0),
    # --- the plugin's own records ----------------------------------------------------------------
    **_table("transients", "own", "set_transient set_site_transient delete_transient delete_site_transient"),
    **_table("cache", "own", "wp_cache_set wp_cache_add wp_cache_replace wp_cache_delete wp_cache_incr wp_cache_decr"),
    # Site-wide flushes are no record of the plugin's own: every visitor pays for them.
    **_table("cache", "always", "wp_cache_flush wp_cache_flush_runtime wp_cache_flush_group flush_rewrite_rules"),
    # --- WooCommerce, the library most plugins' write routes touch ----------------------------------
    **_table(
        "orders",
        "always",
        "wc_create_refund wc_refund_payment wc_update_product_stock wc_delete_order_item wc_update_order_item "
        "wc_add_order_item_meta wc_update_order_item_meta wc_delete_order_item_meta wc_update_coupon_usage_counts",
    ),
    **_table("schedule", "own", "wp_schedule_event wp_schedule_single_event wp_unschedule_event wp_clear_scheduled_hook wp_unschedule_hook"),
    **_table("session", "own", "setcookie setrawcookie session_start wp_set_comment_cookies"),
}

# Functions whose first argument may be a file path or URL read from: they read, unless given a request-chosen
# URL (then an outbound request).
URL_READS = frozenset({"file_get_contents", "fopen", "readfile", "file", "simplexml_load_file", "getimagesize"})

# Calling one of these with a callable runs it: the callable is followed (a plugin function) or, when it comes
# from the request, is code execution.
CALLABLE_RUNNERS: dict[str, int] = {
    "call_user_func": 0,
    "call_user_func_array": 0,
    "array_map": 0,
    "array_walk": 1,
    "array_walk_recursive": 1,
    "array_filter": 1,
    "array_reduce": 1,
    "usort": 1,
    "uasort": 1,
    "uksort": 1,
    "forward_static_call": 0,
    "forward_static_call_array": 0,
    "register_shutdown_function": 0,
}

# Hooks the plugin fires for others; what other plugins do there is their business, unless the hook's name comes
# from the request.
HOOK_FIRES = frozenset({"do_action", "do_action_ref_array", "apply_filters", "apply_filters_ref_array", "do_action_deprecated", "apply_filters_deprecated"})

# Core post types: creating one of these is publishing site content, not the plugin's own records.
CORE_POST_TYPES = frozenset(
    {
        "post", "page", "attachment", "revision", "nav_menu_item", "custom_css", "customize_changeset",
        "oembed_cache", "user_request", "wp_block", "wp_template", "wp_template_part", "wp_global_styles",
        "wp_navigation",
    }
)

# Meta keys that hold a user's capabilities or level: writing them is privilege escalation.
CAPABILITY_META = ("capabilities", "user_level")

# Core tables (without prefix), as named by $wpdb properties.
CORE_TABLES = frozenset(
    {
        "posts", "postmeta", "options", "users", "usermeta", "terms", "termmeta", "term_taxonomy",
        "term_relationships", "comments", "commentmeta", "links", "blogs", "blogmeta", "site", "sitemeta",
        "signups", "registration_log", "blog_versions",
    }
)
# $wpdb methods that write; their first argument is the table (insert, update, …) or the SQL (query).
WPDB_WRITES = frozenset({"insert", "update", "delete", "replace"})
WPDB_QUERY = frozenset({"query"})
SQL_WRITE_VERBS = ("insert", "update", "delete", "replace", "drop", "alter", "truncate", "create", "grant", "rename")

# Functions of widespread libraries that only hand out their main object (WC(), EDD()): reads.
LIBRARY_ACCESSORS = frozenset(
    {
        "wc", "edd", "buddypress", "bp", "wpforms", "give",
        # WooCommerce's formatting helpers: they return a cleaned or printed copy and store nothing.
        "wc_clean", "wc_print_r", "wc_sanitize_textarea", "wc_sanitize_tooltip", "wc_strtolower", "wc_trim_string",
        "wc_bool_to_string", "wc_string_to_bool", "wc_format_decimal", "wc_price", "wc_get_price_decimals",
    }
)

# Language constructs tree-sitter reports as calls: they change nothing.
LANGUAGE_CONSTRUCTS = frozenset({"isset", "empty", "unset", "list", "array", "compact", "print", "echo", "exit", "die"})

# Functions that create a new object and return its ID: the ID is the plugin's own choice, not the request's,
# even when the object's content comes from the request.
CREATES = frozenset(
    {
        "wp_insert_post", "wp_insert_attachment", "wp_insert_comment", "wp_new_comment", "wp_insert_term",
        "wp_insert_user", "wp_create_user", "wp_create_category", "wp_insert_category", "wc_create_order",
    }
)

# Library classes whose objects hold shop data: a method of one that writes (save, set_…, update_…) changes it.
PRIVILEGED_CLASSES = {
    "wc_order": "orders", "wc_coupon": "orders", "wc_product": "orders", "wc_product_simple": "orders",
    "wc_product_variable": "orders", "wc_product_variation": "orders", "wc_customer": "orders", "wp_user": "users",
}
# Properties of WC() that hold the visitor's own shopping session: changing them is the visitor's business.
VISITOR_SESSION_PROPS = frozenset({"cart", "session", "customer"})
# Methods of WP_REST_Request and WP_REST_Response that only change the request or the response being built.
REQUEST_METHODS = frozenset(
    {
        "set_param", "set_body", "set_header", "set_headers", "add_header", "remove_header", "set_method", "set_route",
        "set_attributes", "set_url_params", "set_query_params", "set_body_params", "set_file_params",
        "set_default_params", "offsetset", "offsetunset", "sanitize_params", "has_valid_params",
        "set_data", "set_status", "add_link", "add_links", "remove_link", "set_matched_route", "set_matched_handler",
        "link_header", "add_data", "add",
    }
)

# Methods that change users, whatever object they are called on (WP_User's API).
USER_METHODS = frozenset({"add_role", "set_role", "remove_role", "add_cap", "remove_cap", "remove_all_caps", "update_user_level_from_caps"})
# WP_Filesystem methods that write.
FILESYSTEM_METHODS = frozenset({"put_contents", "delete", "move", "copy", "mkdir", "rmdir", "chmod", "chown", "touch", "extractto"})

# Name prefixes of functions and methods that read or format: a call to one outside the plugin changes nothing.
READ_PREFIXES = (
    "get", "is_", "has_", "can_", "esc_", "sanitize", "validate", "to_", "as_", "format", "render", "find", "search",
    "fetch", "load", "read", "list", "count", "exists", "parse", "prepare", "build", "make_", "calc", "compute",
    "encode", "decode", "json", "serialize", "normalize", "filter_", "map_", "__", "_e", "_x", "_n", "esc",
    "wp_get_", "wp_is_", "wp_json", "rest_", "current_", "translate", "absint", "intval", "wp_kses", "wp_parse",
    "wp_unslash", "wp_slash", "wp_strip", "wp_trim", "wp_list_", "wp_send_json", "wp_die", "wp_verify", "wp_check",
    "wp_hash", "wp_salt", "wp_nonce", "wp_create_nonce", "check_", "verify", "log", "debug", "info", "notice",
    "warn", "error", "critical", "alert", "emergency", "trace", "add_data", "set_status", "set_headers", "header",
    "set_data", "get_error", "offset", "key", "current", "next", "valid", "rewind",
)
# Name parts that say a function writes (a core or library function not listed above with one of these is
# unknown, not a read).
WRITE_VERBS = (
    "insert", "update", "delete", "save", "store", "write", "create", "remove", "trash", "publish", "activate",
    "install", "upgrade", "import", "upload", "move", "copy", "unlink", "reset", "grant", "revoke", "destroy",
    "set_", "add_", "put", "persist", "increment", "decrement", "approve", "mark_", "process", "send", "sync",
    "execute", "exec", "run", "dispatch", "complete", "cancel", "refund", "charge", "register", "switch",
)


def write_of(name: str) -> Write | None:
    """The entry of a function called as ``name`` (case-insensitive, namespace dropped), or None."""
    return FUNCTIONS.get(name.rsplit("\\", 1)[-1].lower())


# The same words after a plugin's or library's prefix: acme_get_settings(), extrachill_users_is_uuid_v4().
READ_SEGMENTS = (
    "_get_", "_is_", "_has_", "_can_", "_sanitize", "_validate", "_esc_", "_format", "_render", "_find_", "_parse_", "_to_",
    "_count_",
)

# Core functions whose names sound like writes but only register callbacks or assets for this request, or
# switch context: they change nothing stored.
CORE_RUNTIME_PREFIXES = (
    "add_action", "add_filter", "remove_action", "remove_filter", "remove_all_", "add_shortcode", "remove_shortcode",
    "wp_enqueue_", "wp_register_", "wp_deregister_", "wp_dequeue_", "wp_add_inline_", "wp_localize_", "register_",
    "unregister_", "add_query_arg", "remove_query_arg", "set_url_scheme", "set_query_var", "wp_set_script_translations",
    "switch_to_", "restore_", "wp_send_json", "add_settings_", "add_meta_box", "add_menu_page", "add_submenu_page",
    "add_theme_support", "add_image_size", "add_rewrite_", "add_post_type_support", "wp_set_internal_encoding",
    "setup_postdata", "wp_reset_", "status_header", "nocache_headers", "send_origin_headers", "wp_set_current_screen",
)


def reads_by_name(name: str) -> bool:
    """``name`` says it reads or formats (and does not also say it writes)."""
    low = name.rsplit("\\", 1)[-1].lower()
    if any(verb in low for verb in ("update", "delete", "insert", "save", "set_")):
        return False
    return low.startswith(READ_PREFIXES) or any(segment in low for segment in READ_SEGMENTS)


def writes_by_name(name: str) -> bool:
    low = name.rsplit("\\", 1)[-1].lower()
    return any(verb in low for verb in WRITE_VERBS)


def _names(resource: str) -> frozenset[str]:
    text = resources.files("analyzer").joinpath("data", resource).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@cache
def wordpress_functions() -> frozenset[str]:
    """Every function WordPress core defines (analyzer/data/wordpress_functions.txt, tools/function_lists.py)."""
    return _names("wordpress_functions.txt")


@cache
def php_functions() -> frozenset[str]:
    """PHP's internal functions (analyzer/data/php_functions.txt, tools/function_lists.py)."""
    return _names("php_functions.txt")


@cache
def core_options() -> frozenset[str]:
    """Options WordPress core reads (analyzer/data/core_options.txt, tools/function_lists.py)."""
    return _names("core_options.txt")


def is_core_option(name: str) -> bool:
    """``name`` is an option core reads (``users_can_register``, ``wp_user_roles``, ``widget_text``): writing it
    changes the site whatever the value. A name ending in ``_`` in the list is a prefix."""
    low = name.lower()
    options = core_options()
    return low in options or low.endswith("user_roles") or any(o.endswith("_") and low.startswith(o) for o in options)
