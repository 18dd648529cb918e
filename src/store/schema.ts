import type { ColumnType, Generated } from 'kysely';

/**
 * Table types shared by both dialects. Times are epoch milliseconds (bigint in Postgres, parsed
 * back to numbers), flags are 0/1 integers and structured values are JSON text, so the same
 * rows come back from SQLite and Postgres.
 */

type Id = Generated<number>;
type Json = string;
type CreatedAt = ColumnType<number, number | undefined, never>;

export interface UsersTable {
  id: Id; email: string; name: string; role: string; password_hash: string | null; created_at: CreatedAt;
  failed_logins: Generated<number>; locked_until: number | null; last_login_at: number | null; disabled_at: number | null;
}
/** Server-side sessions; `id` is the SHA-256 of the cookie value, never the value itself. */
export interface SessionsTable { id: string; user_id: number; csrf_token: string; created_at: number; last_seen_at: number; expires_at: number }
/** One-time links: first-run setup of the owner and invitations. */
export interface AccountLinksTable {
  id: Id; kind: 'setup' | 'invite'; token_hash: string; email: string | null; role: string; created_by: string;
  created_at: number; expires_at: number; used_at: number | null;
}
export interface ApiTokensTable {
  id: Id; name: string; role: string; token_hash: string; prefix: string; created_by: string; created_at: number;
  last_used_at: number | null; revoked_at: number | null;
}
export interface TeamMembersTable {
  id: Id; key: string; name: string; role: string; email: string | null; phone: string | null;
  slack: string | null; is_backup: number; created_at: CreatedAt; alt_email: string | null; alt_phone: string | null;
  trigger_pin_hash: ColumnType<string | null, string | null | undefined, string | null>;
}
export interface FailureTypesTable { id: Id; key: string; name: string; description: string; created_at: CreatedAt }
export interface RespondersTable { id: Id; failure_type_id: number; team_member_id: number; rank: number }
export interface ComponentsTable {
  id: Id; key: string; name: string; description: string; created_at: CreatedAt;
  status: Generated<string>; status_changed_at: number | null; position: Generated<number>;
}
export interface ContactsTable {
  id: Id; key: string; kind: 'customer' | 'reseller'; name: string; organization: string | null;
  tags: Json; created_at: CreatedAt;
}
/**
 * One reachable address; opted_out_at mirrors STOP, spam reports and one-click unsubscribes,
 * quarantined_at a provider's word that the address is bad (hard bounce, invalid number).
 */
export interface AddressesTable {
  id: Id; contact_id: number; channel: string; address: string; opted_out_at: number | null;
  opt_out_reason: string | null; quarantined_at: number | null; quarantine_reason: string | null; created_at: CreatedAt;
}
export interface SubscriptionsTable {
  id: Id; contact_id: number; address_id: number; components: Json;
  consent: 'pending' | 'confirmed' | 'unsubscribed'; consent_source: string; consent_at: number;
  confirm_token: string | null; manage_token: string; created_at: CreatedAt;
  /** Webhook subscribers: the signing secret, encrypted; the contact email; consecutive failures; when disabled. */
  webhook_secret: ColumnType<string | null, string | null | undefined, string | null>;
  contact_email: ColumnType<string | null, string | null | undefined, string | null>;
  webhook_failures: Generated<number>;
  disabled_at: ColumnType<number | null, number | null | undefined, number | null>;
  disabled_reason: ColumnType<string | null, string | null | undefined, string | null>;
}
export interface ScriptsTable {
  id: Id; key: string; name: string; failure_type_id: number | null;
  description: ColumnType<string, string | undefined, string>; situation: ColumnType<string, string | undefined, string>;
  created_at: CreatedAt;
}
/** An empty channel text means the script does not offer that channel. */
export interface ScriptVersionsTable {
  id: Id; script_id: number; version: number; state: 'draft' | 'approved' | 'retired';
  email_subject: string; email_body: string; sms: string; slack: string; x: string;
  phone: ColumnType<string, string | undefined, string>; phone_qa: ColumnType<Json, Json | undefined, Json>;
  reseller: ColumnType<string, string | undefined, string>; variables: ColumnType<Json, Json | undefined, Json>;
  author: string; approver: string | null; approved_at: number | null; retired_at: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: CreatedAt;
}
export interface IncidentsTable {
  id: Id; title: string; failure_type_id: number | null; status: string; impact: string;
  components: Json; started_at: number; resolved_at: number | null; x_thread_id: string | null;
  created_at: CreatedAt; drill: Generated<number>;
}
export interface IncidentUpdatesTable {
  id: Id; incident_id: number; status: string; script_version_id: number; variables: Json;
  rendered: Json; created_by: string; created_at: CreatedAt; internal: Generated<number>;
}
export interface BroadcastsTable {
  id: Id; update_id: number; audiences: Json; channels: Json; created_at: CreatedAt;
}
export type DeliveryState =
  | 'pending' | 'sending' | 'sent' | 'delivered' | 'failed' | 'skipped' | 'undelivered' | 'bounced' | 'dropped';
export interface DeliveriesTable {
  id: Id; broadcast_id: number; channel: string; contact_id: number | null; address: string;
  state: DeliveryState; skip_reason: string | null; attempts: number; next_attempt_at: number;
  lease_until: number | null; lease_owner: string | null; provider: string | null;
  provider_message_id: string | null; error_code: string | null; last_error: string | null;
  receipt_rank: number; created_at: CreatedAt; updated_at: number; sent_at: number | null;
}
/** Receipts seen, keyed so duplicates are ignored. */
export interface DeliveryEventsTable {
  id: Id; delivery_id: number | null; dedupe_key: string; source: string; event: string;
  detail: Json; received_at: number;
}
/** Trigger texts received (OUTAGE <PIN> …); message_sid is unique, so a replay inserts nothing. */
export interface SmsCommandsTable {
  id: Id; message_sid: string; from_number: string; team_member_id: number | null; command: string; outcome: string;
  incident_id: number | null; received_at: number;
}
/** Each provider's last credentials and reachability check; due_at is claimed by the periodic run. */
export interface ChannelChecksTable {
  provider: string; channel: string; ok: Generated<number>; detail: Generated<string>; latency_ms: number | null;
  checked_at: number | null; due_at: Generated<number>;
}
/** An incident's post-incident review; `update_id` is the follow-up it was published as. */
export interface ReviewsTable {
  id: Id; incident_id: number; what_happened: string; root_cause: string; fix: string; prevention: string; lessons: string;
  update_id: number | null; published_at: number | null; updated_by: string; updated_at: number; created_at: number;
}
/** A promise made during an incident: to a contact or a named someone, owned by a team member. */
export interface CommitmentsTable {
  id: Id; incident_id: number; what: string; contact_id: number | null; to_name: string | null; owner_id: number | null;
  due_at: number; reminded_at: number | null; kept_at: number | null; kept_by: string | null; created_by: string; created_at: number;
}
/** A lock taken by name for the rest of a transaction (`holdNamedLock`). */
export interface NamedLocksTable { name: string; touched_at: number }
/** An incident's first post on Mastodon or Bluesky, which its later updates reply to. */
export interface IncidentThreadsTable { incident_id: number; channel: string; post_ref: string; created_at: number }
export interface AuditLogTable { id: Id; at: number; actor: string; action: string; subject: string; detail: Json }
/** The small-problem log; `contact_id` is the customer who complained, when there is one. */
export interface ProblemsTable { id: Id; category: string; contact_id: number | null; note: string; logged_by: string; created_at: number }
/** One row per watched subject (`category:<name>`, `customer:<id>`): locked while a problem is logged. */
export interface RecurrenceWatchTable { subject: string; window_end: Generated<number>; touched_at: number }
export interface RecurrenceAlertsTable {
  id: Id; subject: string; window_start: number; window_end: number; problem_id: number; incident_id: number | null;
  not_sent: string | null; created_at: number;
}
export interface MonitorsTable {
  id: Id; name: string; url: string; interval_seconds: number; timeout_ms: number; expected_status: number; failures_to_down: number;
  component_key: string | null; failure_type_id: number | null; auto_notice: number; state: Generated<string>;
  consecutive_failures: Generated<number>; next_check_at: number; last_checked_at: number | null; created_by: string; created_at: number;
}
export interface MonitorChecksTable { id: Id; monitor_id: number; at: number; ok: number; status: number | null; duration_ms: number; error: string | null }
export interface MonitorOutagesTable {
  id: Id; monitor_id: number; incident_id: number | null; down_at: number; up_at: number | null; script_version_id: number | null;
  variables: Json; notice_sent_at: number | null; notice_problem: string | null;
}

export interface Database {
  users: UsersTable;
  team_members: TeamMembersTable;
  failure_types: FailureTypesTable;
  responders: RespondersTable;
  components: ComponentsTable;
  contacts: ContactsTable;
  addresses: AddressesTable;
  subscriptions: SubscriptionsTable;
  scripts: ScriptsTable;
  script_versions: ScriptVersionsTable;
  incidents: IncidentsTable;
  incident_updates: IncidentUpdatesTable;
  broadcasts: BroadcastsTable;
  deliveries: DeliveriesTable;
  delivery_events: DeliveryEventsTable;
  audit_log: AuditLogTable;
  sessions: SessionsTable;
  account_links: AccountLinksTable;
  api_tokens: ApiTokensTable;
  sms_commands: SmsCommandsTable;
  channel_checks: ChannelChecksTable;
  problems: ProblemsTable;
  recurrence_watch: RecurrenceWatchTable;
  recurrence_alerts: RecurrenceAlertsTable;
  monitors: MonitorsTable;
  monitor_checks: MonitorChecksTable;
  monitor_outages: MonitorOutagesTable;
  reviews: ReviewsTable;
  commitments: CommitmentsTable;
  incident_threads: IncidentThreadsTable;
  named_locks: NamedLocksTable;
}
