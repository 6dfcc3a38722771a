// The only module that talks to Rust. It turns every outcome into a `Result`, so components
// never see a thrown IPC error: a framework-level rejection (a plain string) or a JavaScript
// exception becomes an `internal` AppError with a message in the user's language.
import {
  commands,
  events,
  type AddedPhotos,
  type AppError,
  type AccountForm,
  type AppInfo,
  type Board,
  type CreateGroup,
  type CreateInvite,
  type Device,
  type Group,
  type GroupsStatus,
  type Invite,
  type InviteCreated,
  type InviteRef,
  type InviteView,
  type ShareSettings,
  type BackupInfo,
  type BlockReminderSettings,
  type BlockerStatus,
  type CalendarExportInput,
  type CalendarExportResult,
  type CardExportResult,
  type DayDetail,
  type DayPlan,
  type DayMark,
  type DayOverrideInput,
  type DaySchedule,
  type ExitChallenge,
  type ExportResult,
  type FocusDay,
  type FocusSettings,
  type FocusSettingsView,
  type FocusStatus,
  type ImportMode,
  type ImportProgress,
  type ImportReport,
  type DayStatus,
  type Goal,
  type GoalInput,
  type Lang,
  type OnboardingInput,
  type PhotoThumb,
  type Preset,
  type ProfileInput,
  type PunchIn,
  type PunchInInput,
  type SettingsView,
  type SharePrefs,
  type StartRequest,
  type SharePreview,
  type ShareRequest,
  type StatsView,
  type SubjectDraft,
  type SubjectPreset,
  type Template,
  type Timetable,
  type TodayBoard,
  type TraySettings,
  type WeekStart,
  type ZoneInfo,
} from "./bindings";
import { t } from "./i18n/index.svelte";

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

type Raw<T> = { status: "ok"; data: T } | { status: "error"; error: AppError };

function isAppError(e: unknown): e is AppError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as AppError).kind === "string" &&
    typeof (e as AppError).message === "string" &&
    Array.isArray((e as AppError).fields)
  );
}

function unexpected(detail: unknown): AppError {
  console.error("IPC failure", detail);
  return { kind: "internal", message: t("errors.unexpected"), fields: [] };
}

async function call<T>(run: () => Promise<Raw<T>>): Promise<Result<T>> {
  try {
    const raw = await run();
    if (raw.status === "ok") return { ok: true, value: raw.data };
    return { ok: false, error: isAppError(raw.error) ? raw.error : unexpected(raw.error) };
  } catch (e) {
    return { ok: false, error: unexpected(e) };
  }
}

async function plain<T>(run: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (e) {
    return { ok: false, error: unexpected(e) };
  }
}

export const backend = {
  appInfo: (): Promise<Result<AppInfo>> => call(() => commands.appInfo()),
  setLanguage: (lang: Lang): Promise<Result<Lang>> => call(() => commands.setLanguage(lang)),
  timeZones: (): Promise<Result<ZoneInfo[]>> => plain(() => commands.timeZones()),
  subjectPresets: (): Promise<Result<SubjectPreset[]>> => plain(() => commands.subjectPresets()),
  validateOnboarding: (input: OnboardingInput): Promise<Result<null>> =>
    call(() => commands.validateOnboarding(input)),
  completeOnboarding: (input: OnboardingInput): Promise<Result<TodayBoard>> =>
    call(() => commands.completeOnboarding(input)),
  today: (): Promise<Result<TodayBoard>> => call(() => commands.today()),
  settings: (): Promise<Result<SettingsView>> => call(() => commands.settings()),
  saveProfile: (input: ProfileInput): Promise<Result<SettingsView>> =>
    call(() => commands.saveProfile(input)),
  saveSubjects: (subjects: SubjectDraft[]): Promise<Result<SettingsView>> =>
    call(() => commands.saveSubjects(subjects)),
  changeDayRule: (timeZone: string, dayStart: string): Promise<Result<SettingsView>> =>
    call(() => commands.changeDayRule(timeZone, dayStart)),
  cancelDayRuleChange: (): Promise<Result<SettingsView>> =>
    call(() => commands.cancelDayRuleChange()),
  /** `HH:MM` in the home zone, or `null` to turn the reminder off. */
  setReminder: (at: string | null): Promise<Result<SettingsView>> =>
    call(() => commands.setReminder({ at })),
  uiReady: (screen: string): Promise<Result<null>> => call(() => commands.uiReady(screen)),
  goals: (): Promise<Result<Goal[]>> => call(() => commands.goals()),
  saveGoal: (input: GoalInput): Promise<Result<Goal>> => call(() => commands.saveGoal(input)),
  setGoalArchived: (goalId: string, archived: boolean): Promise<Result<null>> =>
    call(() => commands.setGoalArchived(goalId, archived)),
  deleteGoal: (goalId: string): Promise<Result<null>> => call(() => commands.deleteGoal(goalId)),
  addGoalProgress: (goalId: string, date: string, delta: number): Promise<Result<number>> =>
    call(() => commands.addGoalProgress(goalId, date, delta)),
  savePunchIn: (input: PunchInInput): Promise<Result<PunchIn>> =>
    call(() => commands.savePunchIn(input)),
  /** Opens the picture picker for up to `room` photos. */
  addPhotos: (room: number): Promise<Result<AddedPhotos>> => call(() => commands.addPhotos(room)),
  photoThumbnails: (ids: string[]): Promise<Result<PhotoThumb[]>> =>
    call(() => commands.photoThumbnails(ids)),
  deletePunchIn: (id: string): Promise<Result<null>> => call(() => commands.deletePunchIn(id)),
  markDay: (date: string, mark: DayMark): Promise<Result<DayStatus>> =>
    call(() => commands.markDay(date, mark)),
  unmarkDay: (date: string): Promise<Result<null>> => call(() => commands.unmarkDay(date)),
  stats: (): Promise<Result<StatsView>> => call(() => commands.stats()),
  dayDetail: (date: string): Promise<Result<DayDetail>> => call(() => commands.dayDetail(date)),
  setWeekStart: (weekStart: WeekStart): Promise<Result<null>> =>
    call(() => commands.setWeekStart(weekStart)),
  exportData: (): Promise<Result<ExportResult | null>> => call(() => commands.exportData()),
  /** Asks where to save and writes the plan as an .ics file. `null` when the user cancelled. */
  exportCalendar: (input: CalendarExportInput): Promise<Result<CalendarExportResult | null>> =>
    call(() => commands.exportCalendar(input)),
  importData: (mode: ImportMode): Promise<Result<ImportReport | null>> =>
    call(() => commands.importData(mode)),
  backups: (): Promise<Result<BackupInfo[]>> => call(() => commands.backups()),
  restoreBackup: (fileName: string): Promise<Result<null>> =>
    call(() => commands.restoreBackup(fileName)),
  timetable: (): Promise<Result<Timetable>> => call(() => commands.timetable()),
  /** Creates or replaces a template, whole; refused (nothing saved) when any of it is invalid. */
  saveTemplate: (template: Template): Promise<Result<Timetable>> =>
    call(() => commands.saveTemplate(template)),
  deleteTemplate: (templateId: string): Promise<Result<Timetable>> =>
    call(() => commands.deleteTemplate(templateId)),
  applyPreset: (preset: Preset): Promise<Result<Timetable>> => call(() => commands.applyPreset(preset)),
  daySchedule: (date: string): Promise<Result<DaySchedule>> => call(() => commands.daySchedule(date)),
  /** Replaces a date's whole override (skipped, changed and added blocks). */
  setDayOverride: (changes: DayOverrideInput): Promise<Result<DaySchedule>> =>
    call(() => commands.setDayOverride(changes)),
  resetDay: (date: string): Promise<Result<DaySchedule>> => call(() => commands.resetDay(date)),
  /** What Today shows of the timetable now: today's blocks, the current and next one. */
  todayPlan: (): Promise<Result<DayPlan>> => call(() => commands.todayPlan()),
  blockReminderSettings: (): Promise<Result<BlockReminderSettings>> =>
    call(() => commands.blockReminderSettings()),
  setBlockReminderSettings: (settings: BlockReminderSettings): Promise<Result<BlockReminderSettings>> =>
    call(() => commands.setBlockReminderSettings(settings)),
  traySettings: (): Promise<Result<TraySettings>> => call(() => commands.traySettings()),
  setCloseToTray: (value: boolean): Promise<Result<TraySettings>> =>
    call(() => commands.setCloseToTray(value)),
  /** Adds or removes the system's start-at-login entry. */
  setAutostart: (value: boolean): Promise<Result<TraySettings>> => call(() => commands.setAutostart(value)),
  /** The card's SVG for the live preview; also remembers the choices for next time. */
  sharePreview: (request: ShareRequest): Promise<Result<SharePreview>> => call(() => commands.sharePreview(request)),
  sharePrefs: (): Promise<Result<SharePrefs>> => call(() => commands.sharePrefs()),
  /** Asks where to save and writes the card (PNG, JPEG with a photo). `null` when cancelled. */
  shareExport: (request: ShareRequest): Promise<Result<CardExportResult | null>> => call(() => commands.shareExport(request)),
  /** Puts the card on the clipboard as a PNG. */
  shareCopy: (request: ShareRequest): Promise<Result<null>> => call(() => commands.shareCopy(request)),
  /** The running session (if any) and the last one that ended while Daka was open. */
  focusStatus: (): Promise<Result<FocusStatus>> => call(() => commands.focusStatus()),
  /** Starts a session; Rust remembers the timer choices for next time. */
  focusStart: (request: StartRequest): Promise<Result<FocusStatus>> => call(() => commands.focusStart(request)),
  /** Refused (a `conflict`) in a strict session, like `focusStop`. */
  focusPause: (): Promise<Result<FocusStatus>> => call(() => commands.focusPause()),
  focusResume: (): Promise<Result<FocusStatus>> => call(() => commands.focusResume()),
  focusStop: (): Promise<Result<FocusStatus>> => call(() => commands.focusStop()),
  /** Starts the 10-minute cool-down of a strict session's emergency exit. */
  focusRequestExit: (): Promise<Result<FocusStatus>> => call(() => commands.focusRequestExit()),
  focusCancelExit: (): Promise<Result<FocusStatus>> => call(() => commands.focusCancelExit()),
  /** Ends a strict session once the cool-down has passed (recorded as abandoned). */
  focusConfirmExit: (): Promise<Result<FocusStatus>> => call(() => commands.focusConfirmExit()),
  /** A fresh exit code as a picture drawn for a dark or light background. */
  focusExitChallenge: (dark: boolean): Promise<Result<ExitChallenge>> => call(() => commands.focusExitChallenge(dark)),
  /** Ends a strict session early with the typed code (recorded as abandoned). */
  focusEmergencyExit: (code: string): Promise<Result<FocusStatus>> => call(() => commands.focusEmergencyExit(code)),
  focusSettings: (): Promise<Result<FocusSettingsView>> => call(() => commands.focusSettings()),
  /** Saves the blocklists, normalized; bad entries come back as `sites.N`, `apps.N`, `allow.N`. */
  saveFocusSettings: (settings: FocusSettings): Promise<Result<FocusSettingsView>> =>
    call(() => commands.saveFocusSettings(settings)),
  /** A study day's finished sessions and focus minutes per subject. */
  focusDay: (date: string): Promise<Result<FocusDay>> => call(() => commands.focusDay(date)),
  /** What website blocking can do right now: the helper daka-blockd's state and layers. */
  blockerStatus: (): Promise<Result<BlockerStatus>> => call(() => commands.blockerStatus()),
  /** Installs the helper once; the system asks for an administrator's password (pkexec). */
  installBlocker: (): Promise<Result<BlockerStatus>> => call(() => commands.installBlocker()),
  /** The group connection: account, why to sign in again, token place, sync state. */
  groupsStatus: (): Promise<Result<GroupsStatus>> => call(() => commands.groupsStatus()),
  groupsSignUp: (form: AccountForm): Promise<Result<GroupsStatus>> => call(() => commands.groupsSignUp(form)),
  groupsSignIn: (form: AccountForm): Promise<Result<GroupsStatus>> => call(() => commands.groupsSignIn(form)),
  groupsSignOut: (): Promise<Result<GroupsStatus>> => call(() => commands.groupsSignOut()),
  groupsList: (): Promise<Result<Group[]>> => call(() => commands.groupsList()),
  /** The account's signed-in computers (this one has `current`). */
  groupsDevices: (): Promise<Result<Device[]>> => call(() => commands.groupsDevices()),
  groupsRevokeDevice: (deviceId: string): Promise<Result<null>> => call(() => commands.groupsRevokeDevice(deviceId)),
  groupsCreate: (group: CreateGroup): Promise<Result<Group>> => call(() => commands.groupsCreate(group)),
  groupsCreateInvite: (groupId: string, invite: CreateInvite): Promise<Result<InviteCreated>> =>
    call(() => commands.groupsCreateInvite(groupId, invite)),
  groupsInvites: (groupId: string): Promise<Result<Invite[]>> => call(() => commands.groupsInvites(groupId)),
  groupsRevokeInvite: (groupId: string, inviteId: string): Promise<Result<null>> =>
    call(() => commands.groupsRevokeInvite(groupId, inviteId)),
  /** Reads a pasted invite (link, WeChat message or code) and asks its server where it leads. */
  groupsReadInvite: (text: string): Promise<Result<InviteView>> => call(() => commands.groupsReadInvite(text)),
  groupsJoin: (invite: InviteRef, share: ShareSettings): Promise<Result<Group>> =>
    call(() => commands.groupsJoin(invite, share)),
  groupsLeave: (groupId: string, deleteShared: boolean): Promise<Result<null>> =>
    call(() => commands.groupsLeave(groupId, deleteShared)),
  groupsSetShare: (groupId: string, share: ShareSettings): Promise<Result<Group>> =>
    call(() => commands.groupsSetShare(groupId, share)),
  /** The board of `date` (`null`: the group's today). */
  groupsBoard: (groupId: string, date: string | null): Promise<Result<Board>> =>
    call(() => commands.groupsBoard(groupId, date)),
  /** A photo a member shares with the group, as a `data:` URL. */
  groupsPhoto: (groupId: string, photoId: string): Promise<Result<string>> =>
    call(() => commands.groupsPhoto(groupId, photoId)),
  /** Puts the board's 接龙 text on the clipboard and returns it. */
  groupsCopyJielong: (groupId: string, date: string | null): Promise<Result<string>> =>
    call(() => commands.groupsCopyJielong(groupId, date)),
  groupsSyncNow: (): Promise<Result<null>> => call(() => commands.groupsSyncNow()),
  /** Puts text on the clipboard (an invite message). */
  copyText: (text: string): Promise<Result<null>> => call(() => commands.copyText(text)),
  /** The invite link the OS opened, once (`null` when none waits). */
  groupsTakeOpenedLink: (): Promise<Result<string | null>> => call(() => commands.groupsTakeOpenedLink()),
  /** Calls `onLink` when the OS opens an invite link, until the returned function is called. */
  onInviteLink: async (onLink: () => void): Promise<() => void> => {
    try {
      return await events.inviteLinkEvent.listen(() => onLink());
    } catch (e) {
      console.error("cannot listen to invite links", e);
      return () => {};
    }
  },
  /** Calls `onChange` whenever the group connection changes, until the returned function is called. */
  onGroupsChanged: async (onChange: () => void): Promise<() => void> => {
    try {
      return await events.groupsChangedEvent.listen(() => onChange());
    } catch (e) {
      console.error("cannot listen to group changes", e);
      return () => {};
    }
  },
  /** Calls `onProgress` for each import progress event until the returned function is called. */
  onImportProgress: async (onProgress: (p: ImportProgress) => void): Promise<() => void> => {
    try {
      return await events.importProgressEvent.listen((e) => onProgress(e.payload));
    } catch (e) {
      console.error("cannot listen to import progress", e);
      return () => {};
    }
  },
};

/** Validation messages keyed by field path, for forms. */
export type FieldErrors = Record<string, string>;

export function fieldErrors(error: AppError | null): FieldErrors {
  const out: FieldErrors = {};
  for (const f of error?.fields ?? []) {
    out[f.field] ??= f.message;
  }
  return out;
}

/** Whether any field error falls under one of `prefixes` (e.g. `subjects` for `subjects.2.name`). */
export function hasErrorUnder(errors: FieldErrors, prefixes: string[]): boolean {
  return Object.keys(errors).some((field) =>
    prefixes.some((p) => field === p || field.startsWith(`${p}.`)),
  );
}
