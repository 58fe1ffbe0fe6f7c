#!/bin/bash
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
if [ -n "$(echo $(true))" ]; then
rm -rf "$X/"
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
fi
