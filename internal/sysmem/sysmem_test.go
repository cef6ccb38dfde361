package sysmem

import "testing"

func TestSmallest(t *testing.T) {
	tests := []struct {
		name string
		ls   []Limit
		want Limit
		ok   bool
	}{
		{"none", nil, Limit{}, false},
		{"unknown only", []Limit{{0, SourceRAM}}, Limit{}, false},
		{"ram", []Limit{{8 << 30, SourceRAM}}, Limit{8 << 30, SourceRAM}, true},
		{"ulimit below ram", []Limit{{8 << 30, SourceRAM}, {4 << 30, SourceAddressSpace}, {0, SourceData}}, Limit{4 << 30, SourceAddressSpace}, true},
		{"cgroup below all", []Limit{{8 << 30, SourceRAM}, {4 << 30, SourceAddressSpace}, {1 << 30, SourceCgroup}}, Limit{1 << 30, SourceCgroup}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := smallest(tc.ls)
			if got != tc.want || ok != tc.ok {
				t.Errorf("smallest = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestLimitString(t *testing.T) {
	tests := []struct {
		l    Limit
		want string
	}{
		{Limit{1 << 20, SourceRAM}, "this machine's 1.0 MiB of memory"},
		{Limit{3 << 30, SourceAddressSpace}, "the 3.0 GiB address-space limit of this process (ulimit -v)"},
		{Limit{3 << 30, SourceData}, "the 3.0 GiB data-segment limit of this process (ulimit -d)"},
		{Limit{512 << 20, SourceCgroup}, "the 512.0 MiB memory limit of this process's cgroup (container)"},
	}
	for _, tc := range tests {
		if got := tc.l.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.l, got, tc.want)
		}
	}
	if got := FormatBytes(1536); got != "1.5 KiB" {
		t.Errorf("FormatBytes(1536) = %q", got)
	}
}
