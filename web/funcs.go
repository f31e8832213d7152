package web

import "html/template"

// funcs are the functions the templates may call.
var funcs = template.FuncMap{
	// fields gives the report form's optional fields their ids' suffix
	// and the placeholder of by.
	"fields": func(id, by string) formFields { return formFields{ID: id, By: by} },
}

// formFields is what the "fields" template draws.
type formFields struct{ ID, By string }
