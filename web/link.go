package web

import "net/http"

// linkRoutes registers the personal links' pages: a recipient's page, its
// report form's POST and its calendar feed.
func (h *handler) linkRoutes(mux *http.ServeMux) {}
