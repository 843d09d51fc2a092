# The crypto and scope rules CRY003, CRY005, CRY006, SCO001, SCO002, SCO003 of
# menulint's built-in packs, written in Rego for the side-by-side benchmark.
package menulint

allowed_classes := ["us_equity", "international_equity", "emerging_markets_equity", "global_equity", "fixed_income", "high_yield", "inflation_protected", "money_market", "stable_value", "target_date", "balanced", "managed_account", "real_estate", "commodities", "digital_asset", "multi_asset_alternative", "other"]

allowed_vehicles := ["mutual_fund", "etf", "cit", "separate_account", "group_annuity", "stable_value", "managed_account", "brokerage_window"]

allowed_assets := ["BTC", "ETH"]

digital := [i | o := input.options[i]; o.asset_class == "digital_asset"]

deny[msg] {
	k := digital[j]
	j >= 1
	msg := sprintf("CRY003 %s", [input.options[k].id])
}

deny[msg] {
	o := input.options[_]
	a := o.exposure.crypto_assets[_]
	not in_list(a, allowed_assets)
	msg := sprintf("CRY005 %s %s", [o.id, a])
}

deny[msg] {
	o := input.options[_]
	o.asset_class == "digital_asset"
	not qualified(o)
	msg := sprintf("CRY006 %s", [o.id])
}

qualified(o) {
	o.custody.custodian
	o.custody.qualified_custodian == true
}

deny[msg] {
	o := input.options[_]
	not in_list(o.asset_class, allowed_classes)
	msg := sprintf("SCO001 %s", [o.id])
}

deny[msg] {
	o := input.options[_]
	not in_list(o.vehicle, allowed_vehicles)
	msg := sprintf("SCO002 %s", [o.id])
}

deny[msg] {
	o := input.options[_]
	o.leverage != 1
	msg := sprintf("SCO003 %s", [o.id])
}

in_list(x, list) {
	list[_] == x
}
