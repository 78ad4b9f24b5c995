import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { Config } from '../../config/index.js';
import { DeliveryError } from './webhook.js';

export type SmtpSettings = Config['notifications']['smtp'];

/** Sends notification e-mails through the city's SMTP server (`notifications.smtp`). */
export class EmailSender {
  #transport: Transporter<SMTPTransport.SentMessageInfo> | undefined;

  constructor(
    private readonly smtp: SmtpSettings,
    private readonly timeoutMs: number,
  ) {}

  get configured(): boolean {
    return this.smtp.host !== undefined;
  }

  #transporter(): Transporter<SMTPTransport.SentMessageInfo> {
    const { host, port, secure, user, password } = this.smtp;
    this.#transport ??= nodemailer.createTransport({
      host,
      port,
      secure,
      ...(user !== undefined && { auth: { user, pass: password ?? '' } }),
      connectionTimeout: this.timeoutMs,
      greetingTimeout: this.timeoutMs,
      socketTimeout: this.timeoutMs,
      // nodemailer's own logging would print the conversation, credentials included.
      logger: false,
      debug: false,
    });
    return this.#transport;
  }

  /**
   * Sends one plain-text message; resolves with the server's answer. Throws a DeliveryError:
   * retryable for connection trouble and 4xx answers, not for 5xx (a wrong address or login).
   */
  async send(to: string, subject: string, text: string): Promise<string> {
    if (!this.configured)
      throw new DeliveryError(
        'e-mail is not set up on this server: set notifications.smtp.host (and port, user, password, from)',
        false,
      );
    try {
      const info = await this.#transporter().sendMail({ from: this.smtp.from, to, subject, text });
      return info.response;
    } catch (err) {
      const e = err as Error & { responseCode?: number; code?: string };
      const code = e.responseCode;
      throw new DeliveryError(
        `SMTP ${this.smtp.host}:${this.smtp.port}: ${e.message}`,
        code === undefined || code < 500,
        code ?? null,
      );
    }
  }

  close(): void {
    this.#transport?.close();
  }
}
