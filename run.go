package remindd

import "time"

// Run is one activation of a rule job (schedule's sweep, agenda, digest or
// quarterly), which the store records so that a restart neither repeats nor
// skips it.
type Run struct {
	Job string    `json:"job"`
	At  time.Time `json:"at"`
}
