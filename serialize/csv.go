package serialize

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/ember-ml/ember/tensor"
)

// WriteCSV writes a 2-D tensor as CSV with a header row, atomically. Values are written in
// the shortest form that reads back to the same float32 (or float64) value.
func WriteCSV(path string, header []string, t *tensor.Tensor) error {
	if t.Dim() != 2 || t.Size(1) != len(header) {
		return fmt.Errorf("serialize: write csv: %d header names for a tensor of shape %v", len(header), t.Shape())
	}
	return WriteAtomic(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(header); err != nil {
			return err
		}
		vals, cols := t.Float64s(), t.Size(1)
		bits := 64
		if t.DType() == tensor.Float32 {
			bits = 32
		}
		rec := make([]string, cols)
		for r := range t.Size(0) {
			for c := range cols {
				rec[c] = strconv.FormatFloat(vals[r*cols+c], 'g', -1, bits)
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}

// ReadCSV reads a numeric CSV file with a header row into a float32 [rows, columns] tensor;
// a bad value is an error naming its line and column. NaN and Inf are read as such; blank
// lines are skipped. (data.LoadCSVFile reads tables with a target column and text labels.)
func ReadCSV(path string) (header []string, t *tensor.Tensor, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("serialize: %w", err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1 // a short row is reported below, with its line
	header, err = cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, fmt.Errorf("%s: empty file (a header row is required)", path)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	var xs []float32
	rows := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != len(header) {
			return nil, nil, fmt.Errorf("%s: line %d has %d fields, the header has %d", path, line, len(rec), len(header))
		}
		for i, field := range rec {
			field = strings.TrimSpace(field)
			v, err := strconv.ParseFloat(field, 64)
			if err != nil || math.IsInf(v, 0) && !strings.Contains(strings.ToLower(field), "inf") {
				return nil, nil, fmt.Errorf("%s: line %d, column %d (%q): cannot parse %q as a number", path, line, i+1, header[i], field)
			}
			xs = append(xs, float32(v))
		}
		rows++
	}
	if rows == 0 {
		return nil, nil, fmt.Errorf("%s: no values", path)
	}
	return header, tensor.FromSlice(xs, rows, len(header)), nil
}
