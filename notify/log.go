package notify

import (
	"context"
	"fmt"

	"github.com/remindd/remindd/render"
)

// logChannel writes one log line per message, without its body: for trying a
// configuration out, or as a record beside another channel.
type logChannel struct {
	name string
	log  Logger
}

func (c *logChannel) Send(ctx context.Context, batch []render.Message) []error {
	return collect(batch, func(done func(int, error)) { c.sendEach(ctx, batch, done) })
}

func (c *logChannel) sendEach(ctx context.Context, batch []render.Message, done func(int, error)) {
	for i, m := range batch {
		if err := ctx.Err(); err != nil {
			done(i, temporary(ClassInterrupted, fmt.Errorf("channel %s: not sent: %w", c.name, err)))
			continue
		}
		c.log.Log("notification", map[string]any{
			"channel": c.name,
			"key":     oneLine(m.Key),
			"to":      MaskAddress(m.To),
			"subject": m.Subject,
		})
		done(i, nil)
	}
}
