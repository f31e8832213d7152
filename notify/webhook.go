package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/remindd/remindd/render"
)

// A JSON webhook: any other URL gets the whole rendered message as JSON,
// with its dedup key as Idempotency-Key and, when the channel has a secret,
// an X-Remindd-Signature-256 header. remindd keeps no rate limit for it,
// and any 2xx is success, whatever the answer says.
const kindWebhook = "webhook"

var webhook = vendor{
	name:    kindWebhook,
	request: webhookRequest,
}

func webhookRequest(ep endpoint, m render.Message, _ time.Time) (*url.URL, []byte, http.Header, error) {
	body, err := json.Marshal(m)
	if err != nil {
		return nil, nil, nil, err
	}
	header := jsonHeader()
	header.Set("Idempotency-Key", oneLine(m.Key))
	if ep.secret != "" {
		header.Set("X-Remindd-Signature-256", webhookSignature(ep.secret, body))
	}
	return ep.url, body, header, nil
}

// webhookSignature is the X-Remindd-Signature-256 header of a webhook
// body: "sha256=" and hex(HMAC-SHA256(key=secret, msg=body)), as GitHub
// signs its webhooks.
func webhookSignature(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}
