module remindd

go 1.26.8

require (
	github.com/6tail/lunar-go v1.4.7
	github.com/robfig/cron/v3 v3.0.1
	gopkg.in/yaml.v3 v3.0.1
)
