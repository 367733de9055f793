import { rules, type Rule } from '../config/rules.js';

/** A choice of a select question. */
export interface Choice<T> {
  name: string;
  value: T;
}

/**
 * The questions the wizard asks, as an interface: @inquirer/prompts in the
 * terminal (prompts.ts), scripted answers in tests. `validate` returns true
 * or the message shown before asking again.
 */
export interface Asker {
  input(q: {
    message: string;
    default?: string;
    validate?: (value: string) => true | string;
  }): Promise<string>;
  select<T>(q: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  confirm(q: { message: string; default?: boolean }): Promise<boolean>;
  /** Input that is not echoed (a webhook URL is a secret). */
  secret(q: { message: string; validate?: (value: string) => true | string }): Promise<string>;
}

/** A config rule as a prompt validator: the same words and example as a config error. */
export const validator =
  (rule: Rule) =>
  (value: unknown): true | string =>
    rule.test(value) ? true : `must be ${rule.expect}, for example ${rule.example}`;

export const validPort = (value: string): true | string => validator(rules.port)(Number(value));

/** Blank, or an absolute path. */
export const validOptionalPath = (value: string): true | string =>
  value === '' ? true : validator(rules.path)(value);
