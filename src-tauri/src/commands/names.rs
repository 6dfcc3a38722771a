// The app's IPC commands, shared by build.rs (which generates the `allow-<command>`
// permissions) and the tests (which check that the bindings, the capability file and the
// malformed-input test all cover exactly these). Add a command here when you add one.
pub const COMMAND_NAMES: &[&str] = &[
    "app_info",
    "set_language",
    "time_zones",
    "subject_presets",
    "validate_onboarding",
    "complete_onboarding",
    "today",
    "settings",
    "save_profile",
    "save_subjects",
    "change_day_rule",
    "cancel_day_rule_change",
    "ui_ready",
    "goals",
    "save_goal",
    "set_goal_archived",
    "delete_goal",
    "add_goal_progress",
    "save_punch_in",
    "delete_punch_in",
    "mark_day",
    "unmark_day",
];
