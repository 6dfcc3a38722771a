// Steps several end-to-end tests share.

/** Walks through onboarding with the defaults, typing the exam. */
export async function completeOnboarding(app, { examName = "2027 考研", examDate = "2026-12-26" } = {}) {
  await app.type("#exam-name", examName);
  await app.type("#exam-date", examDate);
  await app.click('[data-action="next"]');
  await app.find('h2[data-step="1"]');
  await app.click('[data-action="next"]');
  await app.find('h2[data-step="2"]');
  await app.click('[data-action="next"]');
  await app.find('h2[data-step="3"]');
  await app.click('[data-action="finish"]');
  await app.find('[data-testid="countdown"]');
}

/** Opens the punch-in form, types minutes for one subject, saves, waits for Today to update. */
export async function punchIn(app, { subject = "数学一", minutes = "60", note = "", date } = {}) {
  await app.click('[data-action="punch-in"]');
  await app.find('[data-testid="punch-dialog"]');
  if (date) await app.click(`[data-choice="${date}"]`);
  await app.type(`[data-subject="${subject}"]`, minutes);
  if (note) await app.type("#punch-note", note);
  await app.click('[data-action="save-punch-in"]');
  await app.waitFor(async () => !(await app.exists('[data-testid="punch-dialog"]')), { message: "the form to close" });
  await app.find('[data-testid="punched"]');
}

/** The streak number on the punch-in card. */
export async function streak(app) {
  return Number(await app.text('[data-testid="streak-current"]'));
}
