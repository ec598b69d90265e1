module carpool

go 1.26
