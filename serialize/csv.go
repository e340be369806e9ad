package serialize

import (
	"fmt"
	"io"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/tensor"
)

// WriteCSV writes a 2-D tensor as CSV with a header row, atomically.
func WriteCSV(path string, header []string, t *tensor.Tensor) error {
	return WriteAtomic(path, func(w io.Writer) error { return data.WriteCSV(w, header, t) })
}

// ReadCSV reads a numeric CSV file with a header row into a float32 [rows, columns] tensor;
// a bad value is an error naming its line and column. NaN and Inf are read as such.
func ReadCSV(path string) (header []string, t *tensor.Tensor, err error) {
	tab, err := data.LoadCSVFile(path, data.CSVOptions{NoTarget: true})
	if err != nil {
		return nil, nil, err
	}
	if tab.X.Numel() == 0 {
		return nil, nil, fmt.Errorf("%s: no values", path)
	}
	return tab.Features, tab.X, nil
}
