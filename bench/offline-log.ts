import fs from 'node:fs';

/**
 * The JSON log records in serverless offline's log from a byte offset on: one object a line, or
 * pretty-printed (POWERTOOLS_DEV, as the local stage sets) from a line `{` to a line `}`.
 */
export function offlineLogRecords(logFile: string | undefined, from = 0): Record<string, unknown>[] {
  if (!logFile || !fs.existsSync(logFile)) return [];
  const records: Record<string, unknown>[] = [];
  let open: string[] | undefined;
  const parse = (text: string) => {
    try {
      records.push(JSON.parse(text) as Record<string, unknown>);
    } catch {
      // Not a log record (a handler's own output).
    }
  };
  for (const line of fs.readFileSync(logFile).subarray(from).toString('utf8').split('\n')) {
    if (open) {
      open.push(line);
      if (line === '}') {
        parse(open.join('\n'));
        open = undefined;
      }
    } else if (line === '{') open = [line];
    else if (line.startsWith('{"')) parse(line);
  }
  return records;
}

/** The log's size now: where the records of what happens next begin. */
export function offlineLogOffset(logFile: string | undefined): number {
  return logFile && fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
}
