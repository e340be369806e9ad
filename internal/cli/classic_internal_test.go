package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestSVMWarnsAboutTimeOnManyRows(t *testing.T) {
	defer func(n int) { svmWarnRows = n }(svmWarnRows)
	svmWarnRows = 200
	var out, errs bytes.Buffer
	if code := Run(context.Background(), []string{"train", "--model", "svm", "--samples", "300"}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	if !strings.HasPrefix(errs.String(), "warning: a kernel SVM on 240 rows") || strings.Count(errs.String(), "\n") != 1 {
		t.Errorf("stderr %q, want one warning line", errs.String())
	}
	errs.Reset()
	if code := Run(context.Background(), []string{"train", "--model", "knn", "--samples", "300"}, &out, &errs); code != 0 || errs.Len() != 0 {
		t.Errorf("knn: exit %d, stderr %q", code, errs.String())
	}
}
