package web

import "net/http"

// deskRoutes registers the office desk's pages (login, overview, confirm
// and return).
func (h *handler) deskRoutes(mux *http.ServeMux) {}
