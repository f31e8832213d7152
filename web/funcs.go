package web

import "html/template"

// funcs are the functions the templates may call.
var funcs = template.FuncMap{}
