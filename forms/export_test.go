package forms

// WriteSheet writes one sheet as its .xlsx file at path, for the tests of
// the independent reader: a sheet they spoiled must be refused.
func WriteSheet(path string, s *Sheet) error {
	b, err := s.xlsx()
	if err != nil {
		return err
	}
	return writeFile(path, b)
}
