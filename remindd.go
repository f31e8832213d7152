// Package remindd is the vocabulary every stage of the reminder service
// shares: who a message is for (Recipient, Enterprise), what is known to be
// done (Completion, Achievement, Done, State), and what the rules decide
// (Rule, Notification and what a notification carries, Run).
//
// It holds types and the few methods that read them, nothing more: the
// rules live in schedule, the store in store, delivery in notify. Every
// package may import it; it imports none of theirs but plan, for the plan's
// calendar dates and tasks, which the checks of a completion and an
// achievement read, and internal/printable, for what a text field may hold.
package remindd
