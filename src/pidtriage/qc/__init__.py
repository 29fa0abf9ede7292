"""Quality control: a call's genotype checks, a sample's (sex, call statistics, Mendelian check), read depth over the panel's exons."""
