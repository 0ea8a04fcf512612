// The page a person sees before a client gets access: which app asks (its verified domain for a
// Client ID Metadata Document, or a warning that it registered itself), where the access goes,
// and what it gets. Everything that came from the client is HTML-escaped: names are attacker-chosen.
import type { ConsentDescription } from '@cloudflare/workers-oauth-provider';

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function consentPage(details: ConsentDescription, handle: string, resource: string): string {
  const name = escapeHtml(details.clientName);
  const origin = details.clientDomain !== undefined
    ? `Published by <strong>${escapeHtml(details.clientDomain)}</strong>.`
    : 'This app registered itself: its name is not verified.';
  return `<!doctype html>
<html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Allow ${name}?</title>
<h1>Allow <span id="client-name">${name}</span> to use your mcpbox tools?</h1>
<p>${origin} Access will be sent to <strong id="redirect-host">${escapeHtml(details.redirectHost)}</strong>.</p>
${details.redirectIsLoopback ? '<p><strong>This sends access to an app on your computer.</strong> Continue only if you just started connecting from it.</p>' : ''}
<p>It will be able to list and call the tools at <code>${escapeHtml(resource)}</code> in your name, until you revoke it. You sign in with your identity provider next.</p>
<form method="post">
<input type="hidden" name="handle" value="${escapeHtml(handle)}">
<button name="decision" value="approve">Allow</button> <button name="decision" value="deny">Deny</button>
</form>
</html>`;
}

/** A refusal page for a person in a browser: what went wrong and what to do next. */
export function refusalPage(status: number, title: string, message: string): Response {
  const body = `<!doctype html>\n<html lang="en"><meta charset="utf-8"><title>${escapeHtml(title)}</title>\n<h1>${escapeHtml(title)}</h1>\n<p id="reason">${escapeHtml(message)}</p>\n</html>`;
  return new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'x-frame-options': 'DENY', 'cache-control': 'no-store' } });
}
