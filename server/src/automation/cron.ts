/**
 * Cron schedules, through cron-parser: the one place that knows the library. The analysis asks
 * whether an expression is usable; the automation model asks for fire times through `CronTimes`
 * (declared in the pure model), which this implements.
 */
import type { CronExpression, CronExpressionParser } from "cron-parser";
import type { CronTimes } from "../model/automationTypes";

/** cron-parser (with luxon), loaded when the first cron expression is met: most workspaces have none. */
function parser(): typeof CronExpressionParser {
  return (require("cron-parser") as typeof import("cron-parser")).CronExpressionParser;
}

/** Why a cron expression or time zone cannot be used, in the user's words; undefined when it can. */
export function cronProblem(cron: string, timezone: string | undefined): string | undefined {
  if (timezone !== undefined && !isTimeZone(timezone)) {
    return `the time zone "${timezone}" is not known; write an IANA name such as "Europe/Paris" or "UTC"`;
  }
  const fields = cron.trim().split(/\s+/).length;
  if (fields < 5 || fields > 6) {
    return `the cron expression "${cron}" has ${fields} field${fields === 1 ? "" : "s"}; write five (minute hour day month weekday), e.g. "0 6 * * *"`;
  }
  try {
    parser()
      .parse(cron, { tz: timezone, currentDate: new Date(0) })
      .next();
    return undefined;
  } catch (error) {
    return `the cron expression "${cron}" is not valid (${(error as Error).message}); e.g. "0 6 * * *" is every day at 06:00`;
  }
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * Fire times of cron conditions. Parsed expressions are cached: a tick asks about every cron
 * asset, and parsing costs far more than stepping.
 */
export class CronSchedules implements CronTimes {
  /** By time zone and expression; null for an expression that cannot be used. */
  private readonly parsed = new Map<string, CronExpression | null>();
  /**
   * Answers by instant: a tick asks every asset with the same schedule
   * about the same `now`, and stepping cron-parser costs far more than a map lookup.
   */
  private readonly answers = new Map<string, number | undefined>();

  latestAtOrBefore(cron: string, timezone: string | undefined, at: number): number | undefined {
    // prev() is strictly before the current date: start 1 ms later so that a tick at exactly `at` counts.
    return this.step(cron, timezone, at + 1, "prev");
  }

  nextAfter(cron: string, timezone: string | undefined, at: number): number | undefined {
    return this.step(cron, timezone, at, "next");
  }

  private step(cron: string, timezone: string | undefined, at: number, direction: "prev" | "next"): number | undefined {
    const id = `${timezone ?? ""}\u0000${cron}`;
    const answer = `${direction}\u0000${at}\u0000${id}`;
    // Bounded: only the last tick's answers are worth keeping.
    if (this.answers.size > 1000) this.answers.clear();
    if (this.answers.has(answer)) return this.answers.get(answer);
    const result = this.compute(id, cron, timezone, at, direction);
    this.answers.set(answer, result);
    return result;
  }

  private compute(
    id: string,
    cron: string,
    timezone: string | undefined,
    at: number,
    direction: "prev" | "next",
  ): number | undefined {
    let expression = this.parsed.get(id);
    if (expression === undefined) {
      expression = cronProblem(cron, timezone) === undefined ? parser().parse(cron, { tz: timezone }) : null;
      this.parsed.set(id, expression);
    }
    if (expression === null) return undefined;
    try {
      expression.reset(new Date(at));
      return (direction === "prev" ? expression.prev() : expression.next()).getTime();
    } catch {
      // No tick in range (e.g. "0 0 30 2 *"): the condition never fires.
      return undefined;
    }
  }
}
