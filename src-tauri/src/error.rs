//! The one error type the UI receives: `{kind, message, fields}`.
//!
//! `kind` is what the UI branches on; `message` is already in the user's language and says what
//! to do; `fields` puts validation messages next to the inputs they are about. Details that help
//! a developer (SQL errors, paths) go to the log, never into `message`.

use daka_core::lang::Lang;
use daka_core::validation::ValidationErrors;
use daka_store::StoreError;
use serde::Serialize;

/// What kind of failure it is. Only kinds the UI handles differently exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The input is wrong; `fields` says where. Nothing was saved.
    Validation,
    /// The request does not fit the current state (e.g. onboarding twice). Reload and retry.
    Conflict,
    /// Something failed inside Daka. Nothing was saved; details are in the log.
    Internal,
}

/// A validation message for one input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct FieldMessage {
    /// Dotted path of the input, e.g. `exam_date` or `subjects.2.name`.
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type, thiserror::Error)]
#[error("{kind:?}: {message}")]
pub struct AppError {
    pub kind: ErrorKind,
    pub message: String,
    pub fields: Vec<FieldMessage>,
}

impl AppError {
    pub fn validation(errors: &ValidationErrors, lang: Lang) -> Self {
        let fields: Vec<FieldMessage> = errors
            .errors()
            .iter()
            .map(|e| FieldMessage { field: e.field.clone(), message: e.error.message(lang) })
            .collect();
        Self::fields(fields, lang)
    }

    /// An argument that is missing or of the wrong shape. The UI never sends one; a page that
    /// does is buggy or hostile, so the message is generic and the detail goes to the log.
    pub fn bad_argument(name: &str, detail: &str, lang: Lang) -> Self {
        tracing::warn!(argument = name, detail, "malformed IPC argument");
        Self {
            kind: ErrorKind::Validation,
            message: lang
                .pick(
                    "请求格式不正确，没有保存任何内容。请重新打开 Daka 再试。",
                    "The request was malformed and nothing was saved. Please restart Daka and try again.",
                )
                .to_owned(),
            fields: vec![FieldMessage {
                field: name.to_owned(),
                message: lang.pick("格式不正确", "malformed").to_owned(),
            }],
        }
    }

    /// The request does not fit the current state; `message` is already localized.
    pub fn conflict(message: String) -> Self {
        Self { kind: ErrorKind::Conflict, message, fields: Vec::new() }
    }

    /// Field messages that are not `daka_core` validation errors (blocklist entries).
    pub fn fields(fields: Vec<FieldMessage>, lang: Lang) -> Self {
        let message = match fields.as_slice() {
            [one] => one.message.clone(),
            [first, ..] => match lang {
                Lang::ZhCn => format!("有 {} 处需要修改：{}", fields.len(), first.message),
                Lang::En => format!("{} things need fixing: {}", fields.len(), first.message),
            },
            [] => lang.pick("输入有误，请检查后重试。", "Please check your input.").to_owned(),
        };
        Self { kind: ErrorKind::Validation, message, fields }
    }

    pub fn internal(lang: Lang) -> Self {
        Self {
            kind: ErrorKind::Internal,
            message: lang
                .pick(
                    "出了点问题，这次操作没有保存。你的数据是安全的，请再试一次；如果一直出现，请查看日志。",
                    "Something went wrong and this change was not saved. Your data is safe; please try again, and check the log if it keeps happening.",
                )
                .to_owned(),
            fields: Vec::new(),
        }
    }

    /// A file could not be written where the user chose: say where, and that nothing was lost.
    pub fn write_failed(path: &std::path::Path, error: &std::io::Error, lang: Lang) -> Self {
        tracing::warn!(path = %path.display(), error = %error, "writing a file failed");
        let place = path.display();
        Self {
            kind: ErrorKind::Validation,
            message: match lang {
                Lang::ZhCn => {
                    format!("无法写入 {place}（{error}）。请换一个文件夹，或检查磁盘空间和权限。")
                }
                Lang::En => format!(
                    "Could not write {place} ({error}). Choose another folder, or check the disk space and permissions."
                ),
            },
            fields: Vec::new(),
        }
    }

    /// The clipboard refused the image (no clipboard on this desktop, or it is busy).
    pub fn clipboard_failed(lang: Lang) -> Self {
        Self {
            kind: ErrorKind::Internal,
            message: lang
                .pick(
                    "无法复制到剪贴板。可以先“保存图片”，再从文件分享。",
                    "Could not copy to the clipboard. Save the image instead and share the file.",
                )
                .to_owned(),
            fields: Vec::new(),
        }
    }

    /// The clipboard refused the 接龙 text; the Groups screen shows it selectable beside.
    pub fn clipboard_text_failed(lang: Lang) -> Self {
        Self {
            kind: ErrorKind::Internal,
            message: lang
                .pick(
                    "无法复制到剪贴板。请在下方选中接龙文字，手动复制。",
                    "Could not copy to the clipboard. Select the text below and copy it by hand.",
                )
                .to_owned(),
            fields: Vec::new(),
        }
    }

    /// Maps a group-server call's error: what the user typed (or the server refused as such)
    /// is a validation error; a store failure is internal; the rest (offline, not a Daka
    /// server, signed out, another version) is a conflict whose message says what to do.
    pub fn from_sync(error: daka_sync::SyncError, lang: Lang) -> Self {
        use daka_sync::SyncError;
        tracing::info!(error = %error, "group server call failed");
        let message = error.message(lang);
        match error {
            SyncError::Input(_) | SyncError::Server { status: 400 | 422, .. } => {
                Self { kind: ErrorKind::Validation, message, fields: Vec::new() }
            }
            SyncError::Store(_) => Self::internal(lang),
            _ => Self::conflict(message),
        }
    }

    /// Maps a store error for the user, logging what they do not need to see.
    pub fn from_store(error: StoreError, lang: Lang) -> Self {
        match error {
            StoreError::Invalid(errors) => Self::validation(&errors, lang),
            StoreError::NotOnboarded => Self {
                kind: ErrorKind::Conflict,
                message: lang
                    .pick("请先完成初始设置。", "Please finish the first-start setup first.")
                    .to_owned(),
                fields: Vec::new(),
            },
            StoreError::AlreadyOnboarded => Self {
                kind: ErrorKind::Conflict,
                message: lang
                    .pick(
                        "初始设置已经完成过了，可以在“设置”里修改。",
                        "Setup is already complete; change things in Settings.",
                    )
                    .to_owned(),
                fields: Vec::new(),
            },
            StoreError::Archive(e) => {
                tracing::warn!(error = %e, "export or import failed");
                Self { kind: ErrorKind::Validation, message: e.message(lang), fields: Vec::new() }
            }
            StoreError::ImportRecord { record, kind, detail } => {
                tracing::warn!(record, kind, detail, "import refused");
                Self {
                    kind: ErrorKind::Validation,
                    message: match lang {
                        Lang::ZhCn => format!(
                            "导出文件第 {record} 条记录（{kind}）有问题：{detail}。没有导入任何内容。"
                        ),
                        Lang::En => format!(
                            "Record {record} ({kind}) of the export is not valid: {detail}. Nothing was imported."
                        ),
                    },
                    fields: Vec::new(),
                }
            }
            StoreError::RestoreNeedsEmptyProfile => Self {
                kind: ErrorKind::Conflict,
                message: lang
                    .pick(
                        "“恢复”会替换全部数据，只能在还没有数据的资料里使用。要把导出的数据加进来，请选择“合并”。",
                        "Restore replaces everything and only works on a profile without data. To add an export to your data, choose Merge.",
                    )
                    .to_owned(),
                fields: Vec::new(),
            },
            StoreError::NewerSchema { .. } => {
                tracing::error!(%error, "refusing to open the database");
                Self {
                    kind: ErrorKind::Internal,
                    message: lang
                        .pick(
                            "这份数据来自更新版本的 Daka。为避免丢失数据，请安装最新版本后再打开。",
                            "This data was written by a newer Daka. To keep it safe, install the latest version before opening it.",
                        )
                        .to_owned(),
                    fields: Vec::new(),
                }
            }
            other => {
                tracing::error!(error = %other, "store operation failed");
                Self::internal(lang)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use daka_core::validation::Invalid;

    use super::*;

    #[test]
    fn validation_errors_carry_localized_field_messages() {
        let mut errors = ValidationErrors::new();
        errors.push("exam_date", Invalid::ImpossibleDate { year: 2027, month: 2, day: 30 });
        let e = AppError::validation(&errors, Lang::ZhCn);
        assert_eq!(e.kind, ErrorKind::Validation);
        assert_eq!(e.message, "2027 年 2 月没有 30 日（这个月只有 28 天），请检查日期。");
        assert_eq!(e.fields[0].field, "exam_date");

        errors
            .push("daily_target", Invalid::TargetOutOfRange { min_minutes: 30, max_minutes: 1080 });
        let e = AppError::validation(&errors, Lang::En);
        assert!(e.message.starts_with("2 things need fixing: 2027-02-30 does not exist"));
    }

    #[test]
    fn serializes_as_a_tagged_object() {
        let json = serde_json::to_value(AppError::internal(Lang::En)).unwrap();
        assert_eq!(json["kind"], "internal");
        assert!(json["message"].as_str().unwrap().contains("not saved"));
        assert_eq!(json["fields"], serde_json::json!([]));
    }
}
